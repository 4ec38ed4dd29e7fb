/* Confinement: the capability bounding set, the seccomp filter, the container's user. */
#include "cc-init.h"

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

/* Our own permitted set: no set we ask for can go beyond it (root may lack some, as
 * CAP_SYS_RESOURCE in some VMs), so --privileged means all that we hold. */
static uint64_t held_caps(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &header, data) < 0)
		return ~0ULL;
	return data[0].permitted | ((uint64_t)data[1].permitted << 32);
}

static void set_caps(uint64_t permitted)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t inheritable = plan.caps & held_caps();

	permitted &= held_caps();
	data[0].effective = data[0].permitted = (uint32_t)permitted;
	data[1].effective = data[1].permitted = (uint32_t)(permitted >> 32);
	data[0].inheritable = (uint32_t)inheritable;
	data[1].inheritable = (uint32_t)(inheritable >> 32);
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
void confine(void)
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

void become_user(void)
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
