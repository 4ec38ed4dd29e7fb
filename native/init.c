/* The container's init (PID 1): starts the command, forwards signals, reaps orphans,
 * writes a detached container's log, and records how the command ended. */
#include "cc-init.h"

sigset_t all_signals;

static void reset_signals(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &action, NULL);
}

int terminal_in_foreground(void)
{
	return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/* The command's last steps: its own process group at the terminal, then the user, then
 * exec. Failures to exec exit with 126 or 127, the shell's codes. */
void __attribute__((noreturn)) exec_command(int error_fd, int take_terminal)
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

int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_OWN;
}

struct stream {
	int fd;
	const char *name;
	char buffer[LINE_MAX_BYTES];
	size_t used;
};

int state_dir_fd = -1;
static int log_fd = -1;
static long long log_size;

static void open_log(void)
{
	struct stat st;

	log_fd = openat(state_dir_fd, "logs/container.log",
			O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	log_size = log_fd >= 0 && fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

/* Keeps plan.log_max_files files in all, the current one included, as Docker's max-file. */
static void rotate_log(void)
{
	char from[64], to[64];

	close(log_fd);
	snprintf(from, sizeof(from), "logs/container.log.%d", plan.log_max_files - 1);
	unlinkat(state_dir_fd, from, 0);
	for (int n = plan.log_max_files - 2; n >= 1; n--) {
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

static void write_exit_record(int code, int status, int restarts)
{
	char record[1024], finished[64];
	int length;

	if (state_dir_fd < 0 || plan.run_id == NULL)
		return;
	format_time(finished, sizeof(finished));
	length = snprintf(record, sizeof(record),
			  "{\"runId\":\"%s\",\"exitCode\":%d,\"signal\":%d,\"restarts\":%d,"
			  "\"finishedAt\":\"%s\"}\n",
			  plan.run_id, code, WIFSIGNALED(status) ? WTERMSIG(status) : 0, restarts,
			  finished);
	/* Nothing to report to if it fails: readers then take the run for killed (137). */
	write_atomically(state_dir_fd, "exit.json", record, length);
}

/* With -t: the container's terminal, which we read from (and write the caller's input to
 * in the foreground). */
static int tty_master = -1;

static pid_t start_main(struct stream *streams, int take_terminal, int *exec_failed)
{
	int exec_pipe[2], out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, slave = -1;
	pid_t pid;
	char byte;

	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		die_errno("pipe");
	if (plan.tty)
		open_pty(&tty_master, &slave);
	else if (plan.detached &&
		 (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0))
		die_errno("pipe");

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		if (plan.tty) {
			attach_terminal(slave);
		} else if (plan.detached) {
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
	if (plan.tty) {
		close(slave);
		fcntl(tty_master, F_SETFL, O_NONBLOCK);
		/* Detached, the terminal's output is the log's; in the foreground we relay it. */
		if (plan.detached)
			streams[0].fd = tty_master;
	} else if (plan.detached) {
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

void __attribute__((noreturn)) run_init(int take_terminal)
{
	struct stream streams[2] = { { -1, "stdout", "", 0 }, { -1, "stderr", "", 0 } };
	int signal_fd, exec_failed, status = 0, code = 0, stopping = 0, restarts = 0;
	int input_open = 1;
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
		int relaying = plan.tty && !plan.detached;
		struct pollfd fds[5] = { { signal_fd, POLLIN, 0 }, { streams[0].fd, POLLIN, 0 },
					 { streams[1].fd, POLLIN, 0 },
					 { relaying ? tty_master : -1, POLLIN, 0 },
					 { relaying && input_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		struct signalfd_siginfo info;
		int main_exited = 0;

		if (poll(fds, 5, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (streams[i].fd >= 0 && fds[i + 1].revents && drain_stream(&streams[i]) == 0) {
				close(streams[i].fd);
				streams[i].fd = -1;
				if (plan.tty)
					tty_master = -1;
			}
		if (fds[3].revents && !copy_ready(tty_master, STDOUT_FILENO)) {
			close(tty_master);
			tty_master = -1;
		}
		if (fds[4].revents && !copy_ready(STDIN_FILENO, tty_master))
			input_open = 0;
		if (!(fds[0].revents & POLLIN) || read(signal_fd, &info, sizeof(info)) != sizeof(info))
			continue;

		/* The container's terminal takes the caller's size; the kernel tells the command. */
		if (info.ssi_signo == SIGWINCH && tty_master >= 0) {
			copy_window_size(tty_master);
			continue;
		}
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

		if (plan.tty && !plan.detached && tty_master >= 0) {
			while (copy_ready(tty_master, STDOUT_FILENO) > 0)
				;
			close(tty_master);
			tty_master = -1;
		}
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
