/* Reporting on the status channel, and small I/O helpers the other files share. */
#include "cc-init.h"

void report(const char *format, ...)
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
void __attribute__((noreturn)) die_code(int code, const char *format, ...)
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

void write_all(int fd, const char *data, size_t length)
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

int write_file(const char *path, const char *text)
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

void format_time(char *out, size_t size)
{
	struct timespec now;
	struct tm tm;
	char seconds[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%09ldZ", seconds, now.tv_nsec);
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/*
 * Descriptors our caller happened to inherit (a shell's, a job runner's) must never reach
 * a container: one open on a host directory is a way out. Closes, or with `cloexec` marks
 * to close at exec, every descriptor from `first` up.
 */
void close_inherited(unsigned first, int cloexec)
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

/* Writes a file in `dir_fd` so that readers see the old content or the new, never a part:
 * a temporary file renamed over it. Returns -1 with errno set when it could not. */
int write_atomically(int dir_fd, const char *name, const char *text, size_t length)
{
	char temporary[256];
	int fd, saved;

	snprintf(temporary, sizeof(temporary), "%s.tmp", name);
	fd = openat(dir_fd, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	write_all(fd, text, length);
	if (close(fd) < 0 || renameat(dir_fd, temporary, dir_fd, name) < 0) {
		saved = errno;
		unlinkat(dir_fd, temporary, 0);
		errno = saved;
		return -1;
	}
	return 0;
}
