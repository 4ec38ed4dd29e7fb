/* Reads the plan: NUL-separated words, each record a key followed by its fields. */
#include "cc-init.h"

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

void parse_plan(void)
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
		} else if (strcmp(key, "cgroup-dir") == 0) {
			if (plan.ncgroup_dirs == MAX_LIST)
				die("plan has too many cgroups");
			plan.cgroup_dirs[plan.ncgroup_dirs++] = next_word();
		} else if (strcmp(key, "cgroup-write") == 0) {
			struct cgroup_write *write;

			if (plan.ncgroup_writes == MAX_LIST)
				die("plan has too many cgroup settings");
			write = &plan.cgroup_writes[plan.ncgroup_writes++];
			write->file = next_word();
			write->value = next_word();
			write->optional = next_number(10);
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
		} else if (strcmp(key, "tty") == 0) {
			plan.tty = 1;
		} else if (strcmp(key, "discard") == 0) {
			plan.discard_from = next_word();
			plan.discard_to = next_word();
		} else {
			die("plan has an unknown record '%s'", key);
		}
	}
	if (plan.argc == 0)
		die("plan has no command");
	plan.argv[plan.argc] = NULL;
	plan.env[plan.nenv] = NULL;
}
