/* A pseudo-terminal of the container's own (-t): opened in its devpts, the command on
 * the terminal side, us copying between it and the caller's stdin and stdout. */
#include "cc-init.h"

#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static struct termios saved_mode;
static int mode_saved;

/* Copies the caller's window size, when it has one, to the container's terminal. */
void copy_window_size(int master)
{
	struct winsize size;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
		ioctl(master, TIOCSWINSZ, &size);
}

/*
 * Opens a terminal in the devpts of the mount namespace we are in: the container's, so
 * that the command sees /dev/pts/N there. TIOCGPTPEER (Linux 4.13) gives the other side
 * without looking its name up in a file system the container could have changed.
 */
void open_pty(int *master, int *slave)
{
	int unlock = 0;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		die_errno("open the container's /dev/ptmx");
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0)
		die_errno("unlock the terminal");
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		die_errno("open the terminal");
	copy_window_size(*master);
}

/* In the command's process: a session of its own with the terminal as stdin, out, err. */
void attach_terminal(int slave)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		die_errno("take the terminal");
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		die_errno("set up the terminal");
	if (slave > 2)
		close(slave);
}

/* The caller's terminal passes every key on as it is typed, Ctrl-C included, while we
 * copy; the container's terminal does the line editing and the signals. */
void make_caller_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_mode) < 0)
		return;
	mode_saved = 1;
	raw = saved_mode;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

void restore_caller_mode(void)
{
	if (mode_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_mode);
}

/* Copies what is waiting on `from` to `to`. Returns 0 once `from` has ended (a terminal
 * whose other side is closed reads EIO, not end of file). */
int copy_ready(int from, int to)
{
	char buffer[8192];
	ssize_t got = read(from, buffer, sizeof(buffer));

	if (got < 0)
		return errno == EAGAIN || errno == EINTR;
	if (got == 0)
		return 0;
	write_all(to, buffer, got);
	return 1;
}

/*
 * The outer process of cc-run -t: copies between the caller and the container's terminal
 * until the command ends, passing on window size changes and other signals. Returns the
 * command's exit code.
 */
int relay_until_exit(pid_t child, int master)
{
	int signal_fd = signalfd(-1, &all_signals, SFD_CLOEXEC);
	int input_open = 1, output_open = 1, status = 0, exited = 0;
	struct signalfd_siginfo info;

	if (signal_fd < 0)
		die_errno("signalfd");
	fcntl(master, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd fds[3] = { { signal_fd, POLLIN, 0 },
					 { output_open ? master : -1, POLLIN, 0 },
					 { input_open ? STDIN_FILENO : -1, POLLIN, 0 } };

		/* Once the command has ended, only what it left in the terminal is copied. */
		if (poll(fds, 3, exited ? 0 : -1) <= 0 && exited)
			break;
		if (fds[1].revents && !copy_ready(master, STDOUT_FILENO)) {
			output_open = 0;
			if (exited)
				break;
		}
		if (fds[2].revents && !copy_ready(STDIN_FILENO, master))
			input_open = 0;
		if (!(fds[0].revents & POLLIN) || read(signal_fd, &info, sizeof(info)) != sizeof(info))
			continue;
		if (info.ssi_signo == SIGWINCH)
			copy_window_size(master);
		else if (info.ssi_signo != SIGCHLD)
			kill(child, info.ssi_signo);
		else if (waitpid(child, &status, WNOHANG) == child)
			exited = 1;
	}
	return status_to_code(status);
}
