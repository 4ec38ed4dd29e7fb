/*
 * Escape probes for the isolation suite (test/e2e/escape.test.ts). Each probe tries one way
 * out of a container and prints one line: "escaped: DETAIL" when it got through,
 * "blocked: ERRNO" when the kernel refused it, "absent: WHAT" when there was nothing to try
 * (the host's kernel lacks the file). The test runs each probe inside a container, where it
 * must be blocked, and where it must work (a plain chroot, or --privileged), to show the
 * probe can see what it looks for. Built static, so it runs in any root file system.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int blocked(void)
{
	printf("blocked: %s\n", strerrorname_np(errno));
	return 0;
}

static int escaped(const char *detail)
{
	printf("escaped: %s\n", detail);
	return 0;
}

/* The classic: chroot into a subdirectory while keeping the working directory outside it,
 * climb, and chroot again, into what should be the host's root. */
static int double_chroot(const char *marker)
{
	mkdir("/tmp/cc-probe-jail", 0700);
	if (chroot("/tmp/cc-probe-jail") < 0)
		return blocked();
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return blocked();
	if (access(marker, F_OK) < 0)
		return blocked();
	return escaped(marker);
}

/* A node for the host's root disk, then reading its first sector. */
static int host_disk(const char *where, unsigned major_number, unsigned minor_number)
{
	char sector[512];
	int fd;

	unlink(where);
	if (mknod(where, S_IFBLK | 0600, makedev(major_number, minor_number)) < 0)
		return blocked();
	fd = open(where, O_RDONLY);
	if (fd < 0)
		return blocked();
	if (read(fd, sector, sizeof(sector)) != (ssize_t)sizeof(sector))
		return blocked();
	return escaped("read the first sector of the host's disk");
}

static int mount_something(void)
{
	mkdir("/tmp/cc-probe-mount", 0700);
	if (mount("none", "/tmp/cc-probe-mount", "tmpfs", 0, "") < 0)
		return blocked();
	umount("/tmp/cc-probe-mount");
	return escaped("mounted a tmpfs");
}

/* Any process's root, through /proc, reaching a file only the host has. */
static int proc_roots(const char *marker)
{
	DIR *proc = opendir("/proc");
	struct dirent *entry;
	char path[4096];

	if (proc == NULL)
		return blocked();
	while ((entry = readdir(proc)) != NULL) {
		if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root%s", entry->d_name, marker);
		if (access(path, F_OK) == 0)
			return escaped(path);
	}
	errno = ENOENT;
	return blocked();
}

/* "Shocker": a handle for inode 2, the root of the file system under a file that was bound
 * in from the host, opened without a path. */
static int open_by_handle(const char *bound_file, const char *marker)
{
	struct {
		struct file_handle handle;
		uint32_t inode_and_generation[2];
	} request;
	int mount_fd = open(bound_file, O_RDONLY), root, fd;

	if (mount_fd < 0)
		return blocked();
	request.handle.handle_bytes = 8;
	request.handle.handle_type = 1; /* FILEID_INO32_GEN */
	request.inode_and_generation[0] = 2;
	request.inode_and_generation[1] = 0;
	root = open_by_handle_at(mount_fd, &request.handle, O_RDONLY | O_DIRECTORY);
	if (root < 0)
		return blocked();
	fd = openat(root, marker + 1, O_RDONLY);
	if (fd < 0)
		return blocked();
	return escaped("opened the host's file system root by handle");
}

static int signal_host(pid_t pid)
{
	if (kill(pid, 0) < 0)
		return blocked();
	return escaped("can signal the host process");
}

static int trace_host(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return blocked();
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return escaped("attached to the host process");
}

/* Harmless if it gets through: 'h' only prints the SysRq help to the kernel log. */
static int sysrq(void)
{
	int fd;

	if (access("/proc/sysrq-trigger", F_OK) < 0) {
		printf("absent: /proc/sysrq-trigger\n");
		return 0;
	}
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "h", 1) != 1)
		return blocked();
	return escaped("wrote /proc/sysrq-trigger");
}

/* Writes a kernel setting's current value back: harmless if it gets through. */
static int kernel_setting(const char *path)
{
	char value[256];
	int fd = open(path, O_RDONLY);
	ssize_t length;

	if (fd < 0)
		return blocked();
	length = read(fd, value, sizeof(value));
	close(fd);
	fd = open(path, O_WRONLY);
	if (fd < 0 || length <= 0 || write(fd, value, length) != length)
		return blocked();
	return escaped(path);
}

/* A module from /dev/null: our filter answers EPERM; a kernel that got the call answers
 * something else (ENOSYS without module support, ENOEXEC or EINVAL with). */
static int load_module(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (syscall(SYS_finit_module, fd, "", 0) == 0 || errno != EPERM) {
		printf("escaped: the kernel's module loader answered %s\n", strerrorname_np(errno));
		return 0;
	}
	return blocked();
}

/* Reads a file that describes the host's kernel; a masked one reads as empty. */
static int read_kernel_file(const char *path)
{
	char buffer[256];
	int fd;
	ssize_t length;

	if (access(path, F_OK) < 0) {
		printf("absent: %s\n", path);
		return 0;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return blocked();
	length = read(fd, buffer, sizeof(buffer));
	if (length <= 0) {
		errno = length == 0 ? ENODATA : errno;
		return blocked();
	}
	return escaped(path);
}

static int set_hostname(const char *name)
{
	char current[256];

	if (name == NULL) {
		gethostname(current, sizeof(current));
		name = current;
	}
	if (sethostname(name, strlen(name)) < 0)
		return blocked();
	return escaped("set the hostname");
}

static int connect_port(int port)
{
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return blocked();
	return escaped("connected to the port");
}

int main(int argc, char **argv)
{
	const char *probe = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(probe, "double-chroot") == 0 && arg)
		return double_chroot(arg);
	if (strcmp(probe, "host-disk") == 0 && argc > 4)
		return host_disk(arg, atoi(argv[3]), atoi(argv[4]));
	if (strcmp(probe, "mount") == 0)
		return mount_something();
	if (strcmp(probe, "proc-root") == 0 && arg)
		return proc_roots(arg);
	if (strcmp(probe, "open-by-handle") == 0 && argc > 3)
		return open_by_handle(arg, argv[3]);
	if (strcmp(probe, "kill") == 0 && arg)
		return signal_host(atoi(arg));
	if (strcmp(probe, "ptrace") == 0 && arg)
		return trace_host(atoi(arg));
	if (strcmp(probe, "sysrq") == 0)
		return sysrq();
	if (strcmp(probe, "sysctl") == 0 && arg)
		return kernel_setting(arg);
	if (strcmp(probe, "module") == 0)
		return load_module();
	if (strcmp(probe, "read") == 0 && arg)
		return read_kernel_file(arg);
	if (strcmp(probe, "hostname") == 0)
		return set_hostname(arg);
	if (strcmp(probe, "connect") == 0 && arg)
		return connect_port(atoi(arg));
	fprintf(stderr, "usage: probe NAME [ARGS]\n");
	return 2;
}
