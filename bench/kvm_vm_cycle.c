// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_vm_cycle - KVM VM create + destroy rate.
 *
 * Each cycle creates a VM (which registers its mmu notifier on the
 * caller's mm), gives it one memslot and one vCPU, and closes everything
 * (kvm_destroy_vm() unregisters the notifier).  Prints KTAP and one
 * "vm_cycle_ns=" line with the mean time per cycle.
 *
 * usage: kvm_vm_cycle [cycles]
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SLOT_SIZE	(2UL << 20)

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cycle(int kvm, void *mem)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = SLOT_SIZE,
		.userspace_addr = (unsigned long)mem,
	};
	int vm, vcpu;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -1;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		close(vm);
		return -1;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		close(vm);
		return -1;
	}
	close(vcpu);
	close(vm);
	return 0;
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : 50;
	long long start, ns;
	void *mem;
	int kvm, i;

	printf("TAP version 13\n1..1\n");
	kvm = open("/dev/kvm", O_RDWR);
	mem = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (kvm < 0 || mem == MAP_FAILED || cycles <= 0) {
		printf("not ok 1 kvm_vm_cycle # no /dev/kvm or no memory\n");
		return 1;
	}
	/* one warm-up cycle: first-time allocations are not what we measure */
	if (cycle(kvm, mem)) {
		printf("not ok 1 kvm_vm_cycle # KVM_CREATE_VM failed\n");
		return 1;
	}
	start = now_ns();
	for (i = 0; i < cycles; i++) {
		if (cycle(kvm, mem)) {
			printf("not ok 1 kvm_vm_cycle # cycle %d failed\n", i);
			return 1;
		}
	}
	ns = (now_ns() - start) / cycles;
	printf("# vm_cycle_ns=%lld cycles=%d\n", ns, cycles);
	printf("ok 1 kvm_vm_cycle\n");
	return 0;
}
