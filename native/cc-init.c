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

/* ---- the plan ---------------------------------------------------------------------- */

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
};

static struct plan plan;
static int status_fd = -1;
/* In the child between fork and exec: written to when it fails, so the parent can tell a
 * failed start from a command that ran and exited. */
static int exec_error_fd = -1;

/* ---- reporting --------------------------------------------------------------------- */

static void report(const char *format, ...)
{
	char line[4096];
	va_list args;
	int length;

	va_start(args, format);
	length = vsnprintf(line, sizeof(line) - 1, format, args);
	va_end(args);
	if (length < 0)
		return;
	if (length > (int)sizeof(line) - 2)
		length = sizeof(line) - 2;
	line[length++] = '\n';
	if (status_fd < 0 || write(status_fd, line, length) < 0)
		(void)!write(STDERR_FILENO, line, length);
}

/* Reports a failure of ours on the status channel and exits with `code`. */
static void __attribute__((noreturn)) die_code(int code, const char *format, ...)
{
	char message[3072];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	for (char *c = message; *c; c++)
		if (*c == '\n')
			*c = ' ';
	if (exec_error_fd >= 0)
		(void)!write(exec_error_fd, "x", 1);
	report("error %d %s", code, message);
	_exit(code);
}

#define die(...) die_code(EXIT_OWN, __VA_ARGS__)
#define die_errno(format, ...) die(format ": %s", ##__VA_ARGS__, strerror(errno))

/* ---- plan parsing: NUL-separated words, a record is a key followed by its fields ---- */

static char *plan_buffer;
static size_t plan_size, plan_pos;

static void read_plan(void)
{
	size_t capacity = 65536;
	ssize_t got;

	plan_buffer = malloc(capacity);
	if (plan_buffer == NULL)
		die("out of memory");
	for (;;) {
		if (plan_size == capacity) {
			capacity *= 2;
			plan_buffer = realloc(plan_buffer, capacity);
			if (plan_buffer == NULL)
				die("out of memory");
		}
		got = read(PLAN_FD, plan_buffer + plan_size, capacity - plan_size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die_errno("read plan");
		if (got == 0)
			break;
		plan_size += got;
	}
	close(PLAN_FD);
	if (plan_size == 0 || plan_buffer[plan_size - 1] != '\0')
		die("plan is truncated");
}

static char *next_word(void)
{
	char *word;

	if (plan_pos >= plan_size)
		die("plan is truncated");
	word = plan_buffer + plan_pos;
	plan_pos += strlen(word) + 1;
	return word;
}

static unsigned long long next_number(int base)
{
	char *word = next_word(), *end;
	unsigned long long value;

	errno = 0;
	value = strtoull(word, &end, base);
	if (errno != 0 || *end != '\0' || end == word)
		die("plan has a bad number '%s'", word);
	return value;
}

static enum create_kind parse_create(const char *word)
{
	if (strcmp(word, "dir") == 0)
		return CREATE_DIR;
	if (strcmp(word, "file") == 0)
		return CREATE_FILE;
	if (strcmp(word, "auto") == 0)
		return CREATE_AUTO;
	return CREATE_NONE;
}

static struct op *new_op(enum op_kind kind)
{
	struct op *op;

	if (plan.nops == MAX_LIST)
		die("plan has too many mounts");
	op = &plan.ops[plan.nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->source_fd = -1;
	return op;
}

static void parse_filter(const char *hex)
{
	size_t length = strlen(hex), count = length / 16;

	if (length % 16 != 0 || count == 0 || count > BPF_MAXINSNS)
		die("plan has a malformed seccomp program");
	plan.filter = calloc(count, sizeof(struct sock_filter));
	if (plan.filter == NULL)
		die("out of memory");
	for (size_t i = 0; i < count; i++) {
		char part[9];
		const char *at = hex + i * 16;

		memcpy(part, at, 4), part[4] = '\0';
		plan.filter[i].code = strtoul(part, NULL, 16);
		memcpy(part, at + 4, 2), part[2] = '\0';
		plan.filter[i].jt = strtoul(part, NULL, 16);
		memcpy(part, at + 6, 2), part[2] = '\0';
		plan.filter[i].jf = strtoul(part, NULL, 16);
		memcpy(part, at + 8, 8), part[8] = '\0';
		plan.filter[i].k = strtoul(part, NULL, 16);
	}
	plan.filter_len = count;
}

static void parse_plan(void)
{
	read_plan();
	if (strcmp(next_word(), "cc-plan/1") != 0)
		die("plan has an unknown format");

	plan.prog = "cc";
	plan.stop_signal = SIGTERM;
	while (plan_pos < plan_size) {
		const char *key = next_word();
		struct op *op;

		if (strcmp(key, "prog") == 0) {
			plan.prog = next_word();
		} else if (strcmp(key, "run-id") == 0) {
			plan.run_id = next_word();
		} else if (strcmp(key, "namespaces") == 0) {
			plan.namespaces = next_number(10);
		} else if (strcmp(key, "join") == 0) {
			plan.exec_mode = 1;
			plan.join_pid = next_number(10);
			plan.join_start_time = next_number(10);
		} else if (strcmp(key, "cgroup") == 0) {
			if (plan.ncgroups == MAX_LIST)
				die("plan has too many cgroups");
			plan.cgroups[plan.ncgroups++] = next_word();
		} else if (strcmp(key, "hostname") == 0) {
			plan.hostname = next_word();
		} else if (strcmp(key, "loopback") == 0) {
			plan.loopback = 1;
		} else if (strcmp(key, "rootfs") == 0) {
			plan.rootfs = next_word();
			plan.layers_dir = next_word();
			plan.lower = next_word();
			plan.upper = next_word();
			plan.work = next_word();
			plan.root_flags = next_number(10);
		} else if (strcmp(key, "read-only-root") == 0) {
			plan.read_only_root = 1;
		} else if (strcmp(key, "mount") == 0) {
			op = new_op(OP_MOUNT);
			op->source = next_word();
			op->target = next_word();
			op->fstype = next_word();
			op->flags = next_number(10);
			op->data = next_word();
			op->create = parse_create(next_word());
		} else if (strcmp(key, "bind") == 0) {
			op = new_op(OP_BIND);
			op->source = next_word();
			op->target = next_word();
			op->flags = next_number(10);
			op->create = parse_create(next_word());
		} else if (strcmp(key, "remount") == 0) {
			op = new_op(OP_REMOUNT);
			op->target = next_word();
			op->flags = next_number(10);
		} else if (strcmp(key, "mknod") == 0) {
			op = new_op(OP_MKNOD);
			op->target = next_word();
			op->mode = next_number(8);
			op->major = next_number(10);
			op->minor = next_number(10);
		} else if (strcmp(key, "symlink") == 0) {
			op = new_op(OP_SYMLINK);
			op->source = next_word();
			op->target = next_word();
		} else if (strcmp(key, "mkdir") == 0) {
			op = new_op(OP_MKDIR);
			op->target = next_word();
			op->mode = next_number(8);
		} else if (strcmp(key, "mask") == 0) {
			new_op(OP_MASK)->target = next_word();
		} else if (strcmp(key, "readonly") == 0) {
			new_op(OP_READONLY)->target = next_word();
		} else if (strcmp(key, "argv") == 0) {
			plan.argc = next_number(10);
			if (plan.argc < 1 || plan.argc > MAX_LIST)
				die("plan has a bad argv");
			for (int i = 0; i < plan.argc; i++)
				plan.argv[i] = next_word();
		} else if (strcmp(key, "env") == 0) {
			if (plan.nenv == MAX_LIST)
				die("too many environment variables");
			plan.env[plan.nenv++] = next_word();
		} else if (strcmp(key, "cwd") == 0) {
			plan.cwd = next_word();
			plan.make_cwd = next_number(10);
		} else if (strcmp(key, "user") == 0) {
			plan.user = next_word();
		} else if (strcmp(key, "caps") == 0) {
			plan.caps = next_number(16);
			plan.set_caps = 1;
		} else if (strcmp(key, "seccomp") == 0) {
			parse_filter(next_word());
		} else if (strcmp(key, "no-new-privileges") == 0) {
			plan.no_new_privs = 1;
		} else if (strcmp(key, "detached") == 0) {
			plan.detached = 1;
		} else if (strcmp(key, "die-with-parent") == 0) {
			plan.die_with_parent = 1;
		} else if (strcmp(key, "state-dir") == 0) {
			plan.state_dir = next_word();
		} else if (strcmp(key, "run-lock") == 0) {
			plan.run_lock = next_word();
		} else if (strcmp(key, "log") == 0) {
			plan.log_max_bytes = next_number(10);
			plan.log_max_files = next_number(10);
		} else if (strcmp(key, "restart") == 0) {
			plan.restart = next_number(10);
			plan.restart_max = next_number(10);
		} else if (strcmp(key, "stop-signal") == 0) {
			plan.stop_signal = next_number(10);
		} else {
			die("plan has an unknown record '%s'", key);
		}
	}
	if (plan.argc == 0)
		die("plan has no command");
	plan.argv[plan.argc] = NULL;
	plan.env[plan.nenv] = NULL;
}

/* ---- small helpers ----------------------------------------------------------------- */

static void write_all(int fd, const char *data, size_t length)
{
	while (length > 0) {
		ssize_t done = write(fd, data, length);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return;
		data += done;
		length -= done;
	}
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int saved;

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* Creates each missing directory of `path`, reporting each so that a build can undo it. */
static void make_dirs(const char *path, unsigned mode)
{
	char buffer[PATH_MAX];
	struct stat st;

	if (strlen(path) >= sizeof(buffer))
		die("path too long: %s", path);
	strcpy(buffer, path);
	for (char *slash = buffer + 1;; slash++) {
		char saved = *slash;

		if (saved != '/' && saved != '\0')
			continue;
		*slash = '\0';
		if (stat(buffer, &st) < 0) {
			if (mkdir(buffer, mode) < 0 && errno != EEXIST)
				die_errno("create directory %s", buffer);
			report("created %s", buffer);
		} else if (!S_ISDIR(st.st_mode)) {
			die("%s is not a directory", buffer);
		}
		*slash = saved;
		if (saved == '\0')
			break;
	}
}

static void make_parent_dirs(const char *path)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash == NULL || slash == parent)
		return;
	*slash = '\0';
	make_dirs(parent, 0755);
}

/*
 * Gives a mount point the type it needs. The root is already the container's, so a
 * symbolic link on the way resolves inside the container and cannot lead out of it.
 */
static void make_mount_point(const char *target, enum create_kind create)
{
	struct stat st;
	int fd;

	if (create == CREATE_NONE || stat(target, &st) == 0)
		return;
	if (create == CREATE_DIR) {
		make_dirs(target, 0755);
		return;
	}
	make_parent_dirs(target);
	fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		die_errno("create mount point %s", target);
	close(fd);
	report("created %s", target);
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/*
 * Descriptors our caller happened to inherit (a shell's, a job runner's) must never reach
 * a container: one open on a host directory is a way out. Closes, or with `cloexec` marks
 * to close at exec, every descriptor from `first` up.
 */
static void close_inherited(unsigned first, int cloexec)
{
	long max;

	if (syscall(SYS_close_range, first, ~0U, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	for (long fd = first; fd < (max > 0 ? max : 65536); fd++) {
		if (cloexec)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		else
			close(fd);
	}
}

/* ---- the container's file system --------------------------------------------------- */

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/*
 * Host paths vanish with the old root, so each bind source is cloned into a detached
 * mount first (open_tree, Linux 5.2), to be attached after the pivot: its target then
 * resolves inside the container, symbolic links included, and never on the host.
 */
static void open_bind_sources(void)
{
	for (int i = 0; i < plan.nops; i++) {
		struct op *op = &plan.ops[i];
		struct stat st;

		if (op->kind != OP_BIND)
			continue;
		op->source_fd = syscall(SYS_open_tree, AT_FDCWD, op->source,
					OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
		if (op->source_fd < 0 && errno == ENOSYS)
			die("this kernel lacks open_tree(2): Linux 5.2 or later is needed");
		if (op->source_fd < 0)
			die_errno("open %s", op->source);
		if (op->create == CREATE_AUTO) {
			if (fstat(op->source_fd, &st) < 0)
				die_errno("stat %s", op->source);
			op->create = S_ISDIR(st.st_mode) ? CREATE_DIR : CREATE_FILE;
		}
	}
}

static void mount_root(void)
{
	char options[8192];
	int length;

	if (chdir(plan.layers_dir) < 0)
		die_errno("enter %s", plan.layers_dir);
	/* Lower directories are relative to the layer store, which keeps the option string
	 * under the page-size limit of mount(2) for deep images. */
	length = snprintf(options, sizeof(options), "lowerdir=%s,upperdir=%s,workdir=%s",
			  plan.lower, plan.upper, plan.work);
	if (length >= 4096)
		die("image has too many layers for one overlay mount");
	if (mount("overlay", plan.rootfs, "overlay", plan.root_flags, options) < 0)
		die_errno("mount the container's root on %s", plan.rootfs);
}

static void enter_root(void)
{
	if (chdir(plan.rootfs) < 0)
		die_errno("enter %s", plan.rootfs);
	/* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves
	 * nothing of the host's tree reachable, which a chroot would not guarantee. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die_errno("pivot_root into %s", plan.rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		die_errno("detach the host's root");
	if (chdir("/") < 0)
		die_errno("chdir /");
}

static void mask_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0") < 0)
			die_errno("mask %s", path);
	} else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
		die_errno("mask %s", path);
	}
}

static void make_read_only(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return;
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		die_errno("bind %s", path);
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) < 0)
		die_errno("make %s read-only", path);
}

static void run_op(struct op *op)
{
	switch (op->kind) {
	case OP_MOUNT:
		make_mount_point(op->target, op->create);
		if (mount(op->source, op->target, op->fstype, op->flags, op->data) < 0)
			die_errno("mount %s on %s", op->fstype, op->target);
		break;
	case OP_BIND:
		make_mount_point(op->target, op->create);
		if (syscall(SYS_move_mount, op->source_fd, "", AT_FDCWD, op->target,
			    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			die_errno("bind %s on %s", op->source, op->target);
		if (op->flags != 0 &&
		    mount(NULL, op->target, NULL, MS_BIND | MS_REMOUNT | op->flags, NULL) < 0)
			die_errno("set the flags of %s", op->target);
		close(op->source_fd);
		op->source_fd = -1;
		break;
	case OP_REMOUNT:
		if (mount(NULL, op->target, NULL, MS_BIND | MS_REMOUNT | op->flags, NULL) < 0)
			die_errno("remount %s", op->target);
		break;
	case OP_MKNOD:
		if (mknod(op->target, S_IFCHR | op->mode, makedev(op->major, op->minor)) < 0 &&
		    errno != EEXIST)
			die_errno("create device %s", op->target);
		if (chmod(op->target, op->mode) < 0)
			die_errno("chmod %s", op->target);
		break;
	case OP_SYMLINK:
		if (symlink(op->source, op->target) < 0 && errno != EEXIST)
			die_errno("create link %s", op->target);
		break;
	case OP_MKDIR:
		make_dirs(op->target, op->mode);
		break;
	case OP_MASK:
		mask_path(op->target);
		break;
	case OP_READONLY:
		make_read_only(op->target);
		break;
	}
}

static void bring_up_loopback(void)
{
	struct ifreq request;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die_errno("socket");
	memset(&request, 0, sizeof(request));
	strcpy(request.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &request) < 0)
		die_errno("read the flags of lo");
	request.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &request) < 0)
		die_errno("bring up lo");
	close(fd);
}

static void join_cgroups(void)
{
	for (int i = 0; i < plan.ncgroups; i++)
		if (write_file(plan.cgroups[i], "0") < 0)
			die_errno("join cgroup %s", plan.cgroups[i]);
}

static void set_up_container(void)
{
	join_cgroups();
	if (unshare(plan.namespaces & ~CLONE_NEWPID) < 0)
		die_errno("create namespaces");
	/* Private propagation, so that no mount made from here on reaches the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno("make mounts private");
	if (plan.hostname != NULL && sethostname(plan.hostname, strlen(plan.hostname)) < 0)
		die_errno("set hostname");
	if (plan.loopback)
		bring_up_loopback();

	open_bind_sources();
	mount_root();
	enter_root();
	for (int i = 0; i < plan.nops; i++)
		run_op(&plan.ops[i]);
	if (plan.read_only_root &&
	    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | plan.root_flags, NULL) < 0)
		die_errno("make the root read-only");
}

/* ---- confinement: capabilities, seccomp, user -------------------------------------- */

static int last_cap(void)
{
	char text[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return CAP_LAST_CAP;
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	return got > 0 ? atoi(text) : CAP_LAST_CAP;
}

static void set_caps(uint64_t permitted)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	data[0].effective = data[0].permitted = (uint32_t)permitted;
	data[1].effective = data[1].permitted = (uint32_t)(permitted >> 32);
	data[0].inheritable = (uint32_t)plan.caps;
	data[1].inheritable = (uint32_t)(plan.caps >> 32);
	if (syscall(SYS_capset, &header, data) < 0)
		die_errno("set capabilities");
}

#define SETID_CAPS ((1ULL << CAP_SETUID) | (1ULL << CAP_SETGID))

/*
 * Bounds the capabilities, then loads the seccomp filter while CAP_SYS_ADMIN still
 * allows it without no_new_privs, then drops the rest but for CAP_SETUID and CAP_SETGID,
 * which switching to the image's USER needs even when the container may not keep them.
 * Children inherit all of it.
 */
static void confine(void)
{
	int last = last_cap();

	if (plan.set_caps) {
		for (int cap = 0; cap <= last; cap++)
			if (!(plan.caps & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
				die_errno("drop capability %d", cap);
	}
	if (plan.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("set no_new_privs");
	if (plan.filter != NULL) {
		struct sock_fprog program = { plan.filter_len, plan.filter };

		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0)
			die_errno("load the seccomp filter");
	}
	if (plan.set_caps)
		set_caps(plan.caps | SETID_CAPS);
}

struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[NGROUPS_MAX > 256 ? 256 : NGROUPS_MAX];
	int ngroups;
	char home[PATH_MAX];
	char name[256];
};

static int is_number(const char *text)
{
	if (*text == '\0')
		return 0;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text))
			return 0;
	return 1;
}

/* Opens a database of the container's own, refusing anything but a regular file: a FIFO
 * planted at /etc/passwd must not hang the launch. */
static FILE *open_database(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	return fdopen(fd, "r");
}

/* Splits a colon-separated line in place; returns the number of fields. */
static int split_fields(char *line, char **fields, int max)
{
	int count = 0;

	line[strcspn(line, "\n")] = '\0';
	fields[count++] = line;
	for (char *c = line; *c && count < max; c++)
		if (*c == ':') {
			*c = '\0';
			fields[count++] = c + 1;
		}
	return count;
}

static int find_passwd(const char *name, uid_t uid, int by_uid, struct identity *who)
{
	FILE *file = open_database("/etc/passwd");
	char *line = NULL, *fields[7];
	size_t size = 0;
	int found = 0;

	if (file == NULL)
		return 0;
	while (!found && getline(&line, &size, file) > 0) {
		if (split_fields(line, fields, 7) < 7 || !is_number(fields[2]) || !is_number(fields[3]))
			continue;
		if (by_uid ? (uid_t)strtoul(fields[2], NULL, 10) != uid : strcmp(fields[0], name) != 0)
			continue;
		who->uid = strtoul(fields[2], NULL, 10);
		who->gid = strtoul(fields[3], NULL, 10);
		snprintf(who->home, sizeof(who->home), "%s", fields[5]);
		snprintf(who->name, sizeof(who->name), "%s", fields[0]);
		found = 1;
	}
	free(line);
	fclose(file);
	return found;
}

/* Looks a group up by name; with `member`, collects every group listing that user. */
static int scan_groups(const char *group_name, gid_t *gid, const char *member, struct identity *who)
{
	FILE *file = open_database("/etc/group");
	char *line = NULL, *fields[4];
	size_t size = 0;
	int found = 0;

	if (file == NULL)
		return 0;
	while (getline(&line, &size, file) > 0) {
		if (split_fields(line, fields, 4) < 4 || !is_number(fields[2]))
			continue;
		if (group_name != NULL && strcmp(fields[0], group_name) == 0) {
			*gid = strtoul(fields[2], NULL, 10);
			found = 1;
		}
		if (member == NULL)
			continue;
		for (char *name = strtok(fields[3], ","); name; name = strtok(NULL, ","))
			if (strcmp(name, member) == 0 && who->ngroups < (int)(sizeof(who->groups) /
									sizeof(gid_t)))
				who->groups[who->ngroups++] = strtoul(fields[2], NULL, 10);
	}
	free(line);
	fclose(file);
	return found;
}

/* Resolves USER as Docker does: a name or uid, then an optional group name or gid, against
 * the container's own /etc/passwd and /etc/group. A uid with no entry is allowed. */
static void resolve_user(const char *spec, struct identity *who)
{
	char user[512], *group;

	memset(who, 0, sizeof(*who));
	strcpy(who->home, "/");
	snprintf(user, sizeof(user), "%s", spec == NULL || *spec == '\0' ? "0" : spec);
	group = strchr(user, ':');
	if (group != NULL)
		*group++ = '\0';

	if (is_number(user)) {
		who->uid = strtoul(user, NULL, 10);
		find_passwd(NULL, who->uid, 1, who);
	} else if (!find_passwd(user, 0, 0, who)) {
		die("user '%s' not found in the container's /etc/passwd", user);
	}
	if (who->name[0] != '\0')
		scan_groups(NULL, NULL, who->name, who);
	if (group != NULL && *group != '\0') {
		if (is_number(group))
			who->gid = strtoul(group, NULL, 10);
		else if (!scan_groups(group, &who->gid, NULL, who))
			die("group '%s' not found in the container's /etc/group", group);
	}
}

static int has_env(const char *name)
{
	size_t length = strlen(name);

	for (int i = 0; i < plan.nenv; i++)
		if (strncmp(plan.env[i], name, length) == 0 && plan.env[i][length] == '=')
			return 1;
	return 0;
}

static void become_user(void)
{
	static char home[PATH_MAX + 8];
	struct identity who;

	resolve_user(plan.user, &who);
	if (!has_env("HOME") && plan.nenv < MAX_LIST) {
		snprintf(home, sizeof(home), "HOME=%s", who.home[0] ? who.home : "/");
		plan.env[plan.nenv++] = home;
		plan.env[plan.nenv] = NULL;
	}
	if (plan.cwd != NULL) {
		if (plan.make_cwd)
			make_dirs(plan.cwd, 0755);
		if (chdir(plan.cwd) < 0)
			die_errno("change to working directory %s", plan.cwd);
	}
	if (setgroups(who.ngroups, who.groups) < 0)
		die_errno("set supplementary groups");
	if (setresgid(who.gid, who.gid, who.gid) < 0)
		die_errno("set group id %u", (unsigned)who.gid);
	/* For a uid other than 0 the kernel clears every capability here: a non-root USER
	 * runs with none, whatever the bounding set allows. */
	if (setresuid(who.uid, who.uid, who.uid) < 0)
		die_errno("set user id %u", (unsigned)who.uid);
	if (who.uid == 0 && plan.set_caps)
		set_caps(plan.caps);
}

/* ---- the command ------------------------------------------------------------------- */

static sigset_t all_signals;

static void reset_signals(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &action, NULL);
}

static int terminal_in_foreground(void)
{
	return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/* The command's last steps: its own process group at the terminal, then the user, then
 * exec. Failures to exec exit with 126 or 127, the shell's codes. */
static void __attribute__((noreturn)) exec_command(int error_fd, int take_terminal)
{
	int code;

	exec_error_fd = error_fd;
	if (take_terminal) {
		/* Signals from the keyboard go to the terminal's foreground group: making the
		 * command that group keeps Ctrl-C from reaching it twice, once through us. */
		setpgid(0, 0);
		tcsetpgrp(STDIN_FILENO, getpgrp());
	} else if (plan.detached) {
		setsid();
	}

	become_user();
	environ = plan.env;
	close_inherited(3, 1);
	reset_signals();
	sigprocmask(SIG_UNBLOCK, &all_signals, NULL);
	execvp(plan.argv[0], plan.argv);

	code = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	if (errno == ENOENT && strchr(plan.argv[0], '/') == NULL)
		die_code(code, "exec '%s': executable file not found in $PATH", plan.argv[0]);
	die_code(code, "exec '%s': %s", plan.argv[0], strerror(errno));
}

static int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_OWN;
}

/* ---- detached output: a rotated log in CRI format ---------------------------------- */

struct stream {
	int fd;
	const char *name;
	char buffer[LINE_MAX_BYTES];
	size_t used;
};

static int state_dir_fd = -1, log_fd = -1;
static long long log_size;

static void open_log(void)
{
	struct stat st;

	log_fd = openat(state_dir_fd, "logs/container.log",
			O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	log_size = log_fd >= 0 && fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

static void rotate_log(void)
{
	char from[64], to[64];

	close(log_fd);
	for (int n = plan.log_max_files - 1; n >= 1; n--) {
		snprintf(from, sizeof(from), "logs/container.log.%d", n);
		snprintf(to, sizeof(to), "logs/container.log.%d", n + 1);
		renameat(state_dir_fd, from, state_dir_fd, to);
	}
	if (plan.log_max_files > 1)
		renameat(state_dir_fd, "logs/container.log", state_dir_fd, "logs/container.log.1");
	else
		unlinkat(state_dir_fd, "logs/container.log", 0);
	open_log();
}

static void format_time(char *out, size_t size)
{
	struct timespec now;
	struct tm tm;
	char seconds[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%09ldZ", seconds, now.tv_nsec);
}

static void log_line(struct stream *stream, const char *text, size_t length, int complete)
{
	char prefix[96];
	int prefix_length;

	if (log_fd < 0)
		return;
	format_time(prefix, sizeof(prefix) - 32);
	prefix_length = strlen(prefix);
	prefix_length += snprintf(prefix + prefix_length, sizeof(prefix) - prefix_length,
				  " %s %c ", stream->name, complete ? 'F' : 'P');
	write_all(log_fd, prefix, prefix_length);
	write_all(log_fd, text, length);
	write_all(log_fd, "\n", 1);
	log_size += prefix_length + length + 1;
	if (plan.log_max_bytes > 0 && log_size >= plan.log_max_bytes)
		rotate_log();
}

/* Reads what is there: 1 when it read something, -1 when nothing was waiting, 0 at the
 * end of the stream (after logging a last line without its newline). */
static int drain_stream(struct stream *stream)
{
	ssize_t got = read(stream->fd, stream->buffer + stream->used,
			   sizeof(stream->buffer) - stream->used);
	char *start, *newline;

	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? -1 : 0;
	if (got == 0) {
		if (stream->used > 0)
			log_line(stream, stream->buffer, stream->used, 1);
		stream->used = 0;
		return 0;
	}
	stream->used += got;
	start = stream->buffer;
	while ((newline = memchr(start, '\n', stream->buffer + stream->used - start)) != NULL) {
		log_line(stream, start, newline - start, 1);
		start = newline + 1;
	}
	stream->used -= start - stream->buffer;
	memmove(stream->buffer, start, stream->used);
	if (stream->used == sizeof(stream->buffer)) {
		log_line(stream, stream->buffer, stream->used, 0);
		stream->used = 0;
	}
	return 1;
}

/* ---- the container's init (PID 1) -------------------------------------------------- */

static void write_exit_record(int code, int status, int restarts)
{
	char record[1024], finished[64];
	int fd, length;

	if (state_dir_fd < 0 || plan.run_id == NULL)
		return;
	format_time(finished, sizeof(finished));
	length = snprintf(record, sizeof(record),
			  "{\"runId\":\"%s\",\"exitCode\":%d,\"signal\":%d,\"restarts\":%d,"
			  "\"finishedAt\":\"%s\"}\n",
			  plan.run_id, code, WIFSIGNALED(status) ? WTERMSIG(status) : 0, restarts,
			  finished);
	fd = openat(state_dir_fd, "exit.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	write_all(fd, record, length);
	close(fd);
	renameat(state_dir_fd, "exit.json.tmp", state_dir_fd, "exit.json");
}

static pid_t start_main(struct stream *streams, int take_terminal, int *exec_failed)
{
	int exec_pipe[2], out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	pid_t pid;
	char byte;

	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		die_errno("pipe");
	if (plan.detached &&
	    (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0))
		die_errno("pipe");

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		if (plan.detached) {
			int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

			if (null < 0 || dup2(null, 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
			    dup2(err_pipe[1], 2) < 0)
				die_errno("set up the command's output");
		}
		exec_command(exec_pipe[1], take_terminal);
	}

	close(exec_pipe[1]);
	*exec_failed = read(exec_pipe[0], &byte, 1) == 1;
	close(exec_pipe[0]);
	if (plan.detached) {
		close(out_pipe[1]);
		close(err_pipe[1]);
		streams[0].fd = out_pipe[0];
		streams[1].fd = err_pipe[0];
		fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
	}
	return pid;
}

static int restart_wanted(int code, int restarts, int stopping)
{
	if (stopping || plan.restart == 0)
		return 0;
	if (plan.restart_max > 0 && restarts >= plan.restart_max)
		return 0;
	return plan.restart == 2 || code != 0;
}

/* Waits up to `delay_ms` while still honouring signals: returns 1 if asked to stop. */
static int restart_pause(int signal_fd, long delay_ms)
{
	struct pollfd poll_fd = { signal_fd, POLLIN, 0 };
	struct signalfd_siginfo info;

	while (poll(&poll_fd, 1, delay_ms) > 0) {
		if (read(signal_fd, &info, sizeof(info)) != sizeof(info))
			continue;
		if (info.ssi_signo == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		else if ((int)info.ssi_signo == plan.stop_signal || info.ssi_signo == SIGTERM ||
			 info.ssi_signo == SIGINT)
			return 1;
	}
	return 0;
}

static void __attribute__((noreturn)) run_init(int take_terminal)
{
	struct stream streams[2] = { { -1, "stdout", "", 0 }, { -1, "stderr", "", 0 } };
	int signal_fd, exec_failed, status = 0, code = 0, stopping = 0, restarts = 0;
	pid_t main_pid;

	set_up_container();
	if (plan.detached)
		open_log();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	confine();

	signal_fd = signalfd(-1, &all_signals, SFD_CLOEXEC);
	if (signal_fd < 0)
		die_errno("signalfd");

	main_pid = start_main(streams, take_terminal, &exec_failed);
	if (!exec_failed)
		report("started");
	close(status_fd);
	status_fd = -1;

	for (;;) {
		struct pollfd fds[3] = { { signal_fd, POLLIN, 0 }, { streams[0].fd, POLLIN, 0 },
					 { streams[1].fd, POLLIN, 0 } };
		struct signalfd_siginfo info;
		int main_exited = 0;

		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (streams[i].fd >= 0 && fds[i + 1].revents && drain_stream(&streams[i]) == 0) {
				close(streams[i].fd);
				streams[i].fd = -1;
			}
		if (!(fds[0].revents & POLLIN) || read(signal_fd, &info, sizeof(info)) != sizeof(info))
			continue;

		if (info.ssi_signo != SIGCHLD) {
			if ((int)info.ssi_signo == plan.stop_signal)
				stopping = 1;
			kill(main_pid, info.ssi_signo);
			continue;
		}
		for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;)
			if (pid == main_pid) {
				main_exited = 1;
				code = status_to_code(status);
			}
		if (!main_exited)
			continue;

		/* Take what the command wrote, without waiting for the end of the stream: a
		 * daemon it started may hold the pipe open, and it is about to be killed. */
		for (int i = 0; i < 2; i++)
			if (streams[i].fd >= 0) {
				while (drain_stream(&streams[i]) > 0)
					;
				if (streams[i].used > 0)
					log_line(&streams[i], streams[i].buffer, streams[i].used, 1);
				streams[i].used = 0;
				close(streams[i].fd);
				streams[i].fd = -1;
			}
		if (exec_failed || !restart_wanted(code, restarts, stopping))
			break;
		if (restart_pause(signal_fd, 100L << (restarts < 10 ? restarts : 10)))
			break;
		restarts++;
		main_pid = start_main(streams, 0, &exec_failed);
	}

	write_exit_record(code, status, restarts);
	_exit(code);
}

/* ---- the outer process ------------------------------------------------------------- */

static void write_state(pid_t pid)
{
	char path[64], stat_text[1024], record[1024], started[64], boot[64] = "";
	unsigned long long start_time = 0;
	int fd, length;
	ssize_t got;
	char *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	got = fd >= 0 ? read(fd, stat_text, sizeof(stat_text) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (got > 0) {
		stat_text[got] = '\0';
		close_paren = strrchr(stat_text, ')');
		/* Field 22 is the start time; field 3 follows the command name's ')'. */
		if (close_paren != NULL)
			sscanf(close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			       "%*d %*d %*d %*d %*d %*d %llu", &start_time);
	}
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	got = fd >= 0 ? read(fd, boot, sizeof(boot) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (got > 0)
		boot[strcspn(boot, "\n")] = '\0';

	format_time(started, sizeof(started));
	length = snprintf(record, sizeof(record),
			  "{\"runId\":\"%s\",\"pid\":%d,\"startTime\":%llu,\"bootId\":\"%s\","
			  "\"startedAt\":\"%s\",\"detached\":%s}\n",
			  plan.run_id, pid, start_time, boot, started,
			  plan.detached ? "true" : "false");
	fd = openat(state_dir_fd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	if (fd < 0)
		die_errno("write state in %s", plan.state_dir);
	write_all(fd, record, length);
	close(fd);
	if (renameat(state_dir_fd, "state.json.tmp", state_dir_fd, "state.json") < 0)
		die_errno("write state in %s", plan.state_dir);
	/* A fresh run has no exit record yet: an old one would describe the previous run. */
	unlinkat(state_dir_fd, "exit.json", 0);
}

/* Waits for `child`, passing on every signal we get; returns its exit code. */
static int wait_forwarding(pid_t child)
{
	int signal_fd = signalfd(-1, &all_signals, SFD_CLOEXEC);
	struct signalfd_siginfo info;
	int status;

	if (signal_fd < 0)
		die_errno("signalfd");
	for (;;) {
		if (read(signal_fd, &info, sizeof(info)) != sizeof(info))
			continue;
		if (info.ssi_signo != SIGCHLD) {
			kill(child, info.ssi_signo);
			continue;
		}
		if (waitpid(child, &status, WNOHANG) == child)
			return status_to_code(status);
	}
}

static void restore_terminal(int took_terminal)
{
	if (took_terminal && isatty(STDIN_FILENO))
		tcsetpgrp(STDIN_FILENO, getpgrp());
}

static void take_run_lock(void)
{
	int fd = open(plan.run_lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		die_errno("open %s", plan.run_lock);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			die("the container is already running or in use");
		die_errno("lock %s", plan.run_lock);
	}
	/* Kept open: the lock lasts as long as the container's init. */
}

static int do_run(void)
{
	int take_terminal = !plan.detached && terminal_in_foreground();
	pid_t init_pid;
	int code;

	take_run_lock();
	state_dir_fd = open(plan.state_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (state_dir_fd < 0)
		die_errno("open %s", plan.state_dir);
	if (unshare(CLONE_NEWPID) < 0)
		die_errno("create a PID namespace");

	init_pid = fork();
	if (init_pid < 0)
		die_errno("fork");
	if (init_pid == 0) {
		if (plan.die_with_parent)
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		run_init(take_terminal);
	}

	write_state(init_pid);
	report("pid %d", init_pid);
	close(status_fd);
	status_fd = -1;
	if (plan.detached)
		return 0;

	code = wait_forwarding(init_pid);
	restore_terminal(take_terminal);
	return code;
}

static int open_namespace(int proc_fd, const char *name)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "ns/%s", name);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open the %s namespace of the container", name);
	return fd;
}

static int do_exec(void)
{
	static const char *names[] = { "ipc", "uts", "net", "cgroup", "pid", "mnt" };
	int take_terminal = terminal_in_foreground();
	int fds[6], proc_fd, exec_pipe[2], code;
	char path[32], stat_text[1024], *close_paren, byte;
	unsigned long long start_time = 0;
	ssize_t got;
	pid_t child;

	/* Open the init's /proc directory once and check its start time through it, so that
	 * a pid reused since the caller looked cannot be joined by mistake. */
	snprintf(path, sizeof(path), "/proc/%d", plan.join_pid);
	proc_fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (proc_fd < 0)
		die("the container is not running");
	int stat_fd = openat(proc_fd, "stat", O_RDONLY | O_CLOEXEC);
	got = stat_fd >= 0 ? read(stat_fd, stat_text, sizeof(stat_text) - 1) : -1;
	if (stat_fd >= 0)
		close(stat_fd);
	if (got > 0) {
		stat_text[got] = '\0';
		close_paren = strrchr(stat_text, ')');
		if (close_paren != NULL)
			sscanf(close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			       "%*d %*d %*d %*d %*d %*d %llu", &start_time);
	}
	if (start_time != plan.join_start_time)
		die("the container is not running");

	for (int i = 0; i < 6; i++)
		fds[i] = open_namespace(proc_fd, names[i]);
	join_cgroups();
	for (int i = 0; i < 6; i++)
		if (setns(fds[i], 0) < 0)
			die_errno("join the %s namespace of the container", names[i]);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		die_errno("pipe");
	child = fork();
	if (child < 0)
		die_errno("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		confine();
		exec_command(exec_pipe[1], take_terminal);
	}

	close(exec_pipe[1]);
	report("pid %d", child);
	if (read(exec_pipe[0], &byte, 1) != 1)
		report("started");
	close(status_fd);
	status_fd = -1;
	code = wait_forwarding(child);
	restore_terminal(take_terminal);
	return code;
}

int main(int argc, char **argv)
{
	close_inherited(STATUS_FD + 1, 0);
	status_fd = fcntl(STATUS_FD, F_GETFD) < 0 ? -1 : STATUS_FD;
	if (status_fd >= 0)
		fcntl(status_fd, F_SETFD, FD_CLOEXEC);
	if (argc != 2 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "exec") != 0))
		die("usage: cc-init run|exec, with the plan on fd 3 (it is started by cc-start)");

	parse_plan();
	if (plan.die_with_parent) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() == 1)
			_exit(EXIT_OWN);
	}

	/* Every signal is taken through a signalfd, forwarded to the command, never acted on
	 * by us; the command gets the default dispositions back before exec. SIGPIPE is
	 * ignored instead: ours would come from a caller that went away, not for the command. */
	signal(SIGPIPE, SIG_IGN);
	sigfillset(&all_signals);
	sigdelset(&all_signals, SIGPIPE);
	sigdelset(&all_signals, SIGKILL);
	sigdelset(&all_signals, SIGSTOP);
	sigprocmask(SIG_BLOCK, &all_signals, NULL);

	if (strcmp(argv[1], "exec") == 0) {
		if (!plan.exec_mode)
			die("exec needs a join record");
		return do_exec();
	}
	return do_run();
}
