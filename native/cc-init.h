/*
 * cc-init: carries out a launch plan that Cookie-Cutter's JavaScript computed.
 *
 * Node.js cannot call unshare(2), mount(2), pivot_root(2), setns(2), capset(2) or
 * prctl(2), and the steps after pivot_root cannot be done by exec'ing host tools: their
 * dynamic loader and libraries are gone by then. So this program does the kernel calls,
 * in the order the plan gives, and takes no decision of its own: which namespaces, which
 * mounts, which capabilities, which system calls are allowed, who the user is, all of it
 * comes from the plan. docs/ARCHITECTURE.md describes the plan format and process model.
 *
 * Usage: cc-init run|exec, with the plan on fd 3 and the status channel on fd 4.
 *
 * run:  the first process (the "outer") creates a PID namespace and forks the container's
 *       init, which creates the other namespaces, mounts the root, pivots into it, confines
 *       itself and forks the main process. The init stays as PID 1: it forwards signals,
 *       reaps orphans, writes the log of a detached container and, when the main process
 *       ends, records how it ended and exits. In the foreground the outer waits and passes
 *       the status on; detached, it exits at once and nothing of ours but the init remains.
 * exec: the outer joins the namespaces of a running container's init and forks the
 *       command there, confined like the main process.
 *
 * Status channel lines: "pid N", "created PATH", "started", "error CODE MESSAGE".
 */
#ifndef CC_INIT_H
#define CC_INIT_H

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLAN_FD 3
#define STATUS_FD 4
#define EXIT_OWN 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127
#define MAX_LIST 256
#define LINE_MAX_BYTES 16384

extern char **environ;

enum op_kind { OP_MOUNT, OP_BIND, OP_REMOUNT, OP_MKNOD, OP_SYMLINK, OP_MKDIR, OP_MASK, OP_READONLY };
enum create_kind { CREATE_NONE, CREATE_DIR, CREATE_FILE, CREATE_AUTO };

struct op {
	enum op_kind kind;
	const char *source;
	const char *target;
	const char *fstype;
	const char *data;
	unsigned long flags;
	enum create_kind create;
	unsigned mode;
	unsigned major, minor;
	int source_fd;
};

struct plan {
	const char *prog;
	int exec_mode;
	const char *run_id;
	unsigned long namespaces;
	pid_t join_pid;
	unsigned long long join_start_time;
	const char *cgroups[MAX_LIST];
	int ncgroups;
	/* Made under the run lock before the init joins: directories, then control files. */
	const char *cgroup_dirs[MAX_LIST];
	int ncgroup_dirs;
	struct cgroup_write {
		const char *file, *value;
		int optional;
	} cgroup_writes[MAX_LIST];
	int ncgroup_writes;
	const char *hostname;
	int loopback;
	const char *rootfs, *layers_dir, *lower, *upper, *work;
	unsigned long root_flags;
	int read_only_root;
	struct op ops[MAX_LIST];
	int nops;
	char *argv[MAX_LIST + 1];
	int argc;
	char *env[MAX_LIST + 1];
	int nenv;
	const char *cwd;
	int make_cwd;
	const char *user;
	uint64_t caps;
	int set_caps;
	struct sock_filter *filter;
	unsigned short filter_len;
	int no_new_privs;
	int detached;
	int die_with_parent;
	const char *state_dir;
	const char *run_lock;
	long long log_max_bytes;
	int log_max_files;
	int restart; /* 0 no, 1 on-failure, 2 always */
	int restart_max;
	int stop_signal;
	/* Give the command a terminal of the container's own, as docker -t. */
	int tty;
	/* A throw-away container: moved here, out of sight, once its init has exited. */
	const char *discard_from, *discard_to;
};

/* Shared state: the plan, and the channel back to the caller (see report.c). */
extern struct plan plan;
extern int status_fd;
extern int exec_error_fd;
extern int state_dir_fd;
extern sigset_t all_signals;

/* report.c */
void report(const char *format, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) die_code(int code, const char *format, ...);
#define die(...) die_code(EXIT_OWN, __VA_ARGS__)
#define die_errno(format, ...) die(format ": %s", ##__VA_ARGS__, strerror(errno))
void write_all(int fd, const char *data, size_t length);
int write_file(const char *path, const char *text);
void format_time(char *out, size_t size);
void close_inherited(unsigned first, int cloexec);
int write_atomically(int dir_fd, const char *name, const char *text, size_t length);

/* plan.c */
void parse_plan(void);

/* rootfs.c */
void make_dirs(const char *path, unsigned mode);
void join_cgroups(void);
void prepare_cgroups(void);
void remove_cgroups(void);
void set_up_container(void);

/* confine.c */
void confine(void);
void become_user(void);

/* tty.c */
void copy_window_size(int master);
void open_pty(int *master, int *slave);
void attach_terminal(int slave);
void make_caller_raw(void);
void restore_caller_mode(void);
int copy_ready(int from, int to);
int relay_until_exit(pid_t child, int master);

/* init.c */
int terminal_in_foreground(void);
void __attribute__((noreturn)) exec_command(int error_fd, int take_terminal);
int status_to_code(int status);
void __attribute__((noreturn)) run_init(int take_terminal);

#endif
