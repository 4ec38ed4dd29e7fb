/* The outer process: run (a new container) or exec (join a running one). */
#include "cc-init.h"

struct plan plan;
int status_fd = -1;
/* In the child between fork and exec: written to when it fails, so the parent can tell a
 * failed start from a command that ran and exited. */
int exec_error_fd = -1;

/* Field 22 of /proc/PID/stat, the start time, read through an open /proc/PID directory;
 * 0 when it cannot be read. */
static unsigned long long read_start_time(int proc_fd)
{
	char text[1024], *close_paren;
	unsigned long long start_time = 0;
	int fd = openat(proc_fd, "stat", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (got <= 0)
		return 0;
	text[got] = '\0';
	/* The command name may hold spaces and ')': field 3 follows its last ')'. */
	close_paren = strrchr(text, ')');
	if (close_paren != NULL)
		sscanf(close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
		       "%*d %*d %*d %*d %*d %*d %llu", &start_time);
	return start_time;
}

static void write_state(pid_t pid)
{
	char path[64], record[1024], started[64], boot[64] = "";
	unsigned long long start_time = 0;
	int fd, length;
	ssize_t got;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		start_time = read_start_time(fd);
		close(fd);
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
	if (write_atomically(state_dir_fd, "state.json", record, length) < 0)
		die_errno("write state in %s", plan.state_dir);
	/* A fresh run has no exit record yet: an old one would describe the previous run. */
	unlinkat(state_dir_fd, "exit.json", 0);

	/* The init's pid alone, for service managers (systemd's PIDFile=). */
	length = snprintf(record, sizeof(record), "%d\n", pid);
	if (write_atomically(state_dir_fd, "init.pid", record, length) < 0)
		die_errno("write init.pid in %s", plan.state_dir);
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
	int take_terminal = !plan.detached && !plan.tty && terminal_in_foreground();
	pid_t init_pid;
	int code;

	take_run_lock();
	prepare_cgroups();
	state_dir_fd = open(plan.state_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (state_dir_fd < 0)
		die_errno("open %s", plan.state_dir);
	if (unshare(CLONE_NEWPID) < 0)
		die_errno("create a PID namespace");

	if (plan.tty && !plan.detached)
		make_caller_raw();
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
	restore_caller_mode();
	remove_cgroups();
	/* Still under the run lock, so no other command is using the container. */
	if (plan.discard_from != NULL && rename(plan.discard_from, plan.discard_to) < 0)
		report("error %d discard %s: %s", EXIT_OWN, plan.discard_from, strerror(errno));
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
	int take_terminal = !plan.tty && terminal_in_foreground();
	int fds[6], proc_fd, exec_pipe[2], code, master = -1, slave = -1;
	char path[32], byte;
	pid_t child;

	/* Open the init's /proc directory once and check its start time through it, so that
	 * a pid reused since the caller looked cannot be joined by mistake. */
	snprintf(path, sizeof(path), "/proc/%d", plan.join_pid);
	proc_fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (proc_fd < 0)
		die("the container is not running");
	if (read_start_time(proc_fd) != plan.join_start_time)
		die("the container is not running");

	for (int i = 0; i < 6; i++)
		fds[i] = open_namespace(proc_fd, names[i]);
	join_cgroups();
	for (int i = 0; i < 6; i++)
		if (setns(fds[i], 0) < 0)
			die_errno("join the %s namespace of the container", names[i]);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* In the container's mount namespace now: the terminal is one of its devpts. */
	if (plan.tty)
		open_pty(&master, &slave);

	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		die_errno("pipe");
	child = fork();
	if (child < 0)
		die_errno("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (plan.tty)
			attach_terminal(slave);
		confine();
		exec_command(exec_pipe[1], take_terminal);
	}

	close(exec_pipe[1]);
	report("pid %d", child);
	if (read(exec_pipe[0], &byte, 1) != 1)
		report("started");
	close(status_fd);
	status_fd = -1;
	if (!plan.tty) {
		code = wait_forwarding(child);
		restore_terminal(take_terminal);
		return code;
	}

	close(slave);
	make_caller_raw();
	code = relay_until_exit(child, master);
	restore_caller_mode();
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
