/* The container's file system: its root, the mounts inside it, its hostname and network. */
#include "cc-init.h"

/* Creates each missing directory of `path`, reporting each so that a build can undo it. */
void make_dirs(const char *path, unsigned mode)
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

/*
 * The container's cgroup, made by us under the run lock, so that two starts of one
 * container cannot remake it under each other. A setting marked optional (a swap limit
 * without swap accounting) may have no file.
 */
void prepare_cgroups(void)
{
	for (int i = 0; i < plan.ncgroup_dirs; i++)
		if (mkdir(plan.cgroup_dirs[i], 0755) < 0 && errno != EEXIST)
			die_errno("create cgroup %s", plan.cgroup_dirs[i]);
	for (int i = 0; i < plan.ncgroup_writes; i++) {
		struct cgroup_write *write = &plan.cgroup_writes[i];

		if (write_file(write->file, write->value) == 0)
			continue;
		if (write->optional && errno == ENOENT)
			continue;
		die_errno("write %s to %s", write->value, write->file);
	}
}

/* Removes the cgroup once the container's processes are gone; what is busy stays. */
void remove_cgroups(void)
{
	for (int i = plan.ncgroup_dirs - 1; i >= 0; i--)
		rmdir(plan.cgroup_dirs[i]);
}

void join_cgroups(void)
{
	for (int i = 0; i < plan.ncgroups; i++)
		if (write_file(plan.cgroups[i], "0") < 0)
			die_errno("join cgroup %s", plan.cgroups[i]);
}

void set_up_container(void)
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
