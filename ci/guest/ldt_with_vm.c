// SPDX-License-Identifier: GPL-2.0
/*
 * ldt_with_vm: change the LDT of a process that holds a KVM VM.
 *
 * write_ldt() takes the mmap_lock (x86/ldt patch), so that with PTI, where
 * the LDT is mapped into the process's own page tables and changing it
 * flushes the mm's TLB and so calls its notifiers (KVM's here), the caller
 * rule holds.  Forked children copy the LDT (ldt_dup_context()) and free
 * it at exit.  Without PTI this runs the locking, not the flush.  The guest
 * run fails on any report of lockdep or of CONFIG_DEBUG_MMU_NOTIFIER.
 */
#include <asm/ldt.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define ROUNDS		64

/* Install a small 32-bit data segment as LDT entry @nr. */
static int set_ldt_entry(unsigned int nr)
{
	struct user_desc d = {
		.entry_number	= nr,
		.limit		= 10,
		.seg_32bit	= 1,
	};

	return syscall(SYS_modify_ldt, 0x11, &d, sizeof(d));
}

FIXTURE(vm)
{
	int kvm;
	int vm;
};

FIXTURE_SETUP(vm)
{
	self->kvm = open("/dev/kvm", O_RDWR);
	ASSERT_GE(self->kvm, 0) TH_LOG("no /dev/kvm: this test needs KVM");
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
}

FIXTURE_TEARDOWN(vm)
{
	close(self->vm);
	close(self->kvm);
}

/* Grow and rewrite the LDT while the VM's notifier is registered. */
TEST_F(vm, modify_ldt)
{
	int i;

	for (i = 0; i < ROUNDS; i++)
		ASSERT_EQ(0, set_ldt_entry(i % 16)) TH_LOG("modify_ldt round %d", i);
}

/* Children copy the LDT at fork, change it and free it at exit. */
TEST_F(vm, fork_with_ldt)
{
	int i, status;
	pid_t pid;

	ASSERT_EQ(0, set_ldt_entry(0));
	for (i = 0; i < ROUNDS / 8; i++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid)
			_exit(set_ldt_entry(1 + i % 8) ? 1 : 0);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
