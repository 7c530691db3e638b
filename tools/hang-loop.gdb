# gdb commands for tools/hang-loop: a vCPU of the x86 hypervisor, by its
# struct vcpu address (the vcpu= of a backtrace): "dumpv ADDR" its
# requests, power state, GIF, VMCB01 and current VMCB interrupt state and
# vLAPIC; "dumpn ADDR" what L1 last asked of VMRUN (the nested cache)
# and L2's last exit (VMCB02).
set pagination off
set confirm off
define dumpv
  set $v = (struct vcpu *)$arg0
  set $s = (struct svm_vcpu *)$v->arch
  printf "vcpu %d pcpu %d requests %#x power %d\n", $v->id, $v->pcpu, $v->requests, $v->power
  printf " guest_mode %d gif %d reinject %#lx pending_event %#lx window %#lx\n", \
    $s->nested.guest_mode, $s->gif, $s->reinject, $s->pending_event, $s->window
  printf " vmcb01 rip %#lx rflags %#lx int_state %#lx int_ctl %#lx event_inj %#lx exit %#lx\n", \
    $s->vmcb01->save.rip, $s->vmcb01->save.rflags, $s->vmcb01->control.int_state, \
    $s->vmcb01->control.int_ctl, $s->vmcb01->control.event_inj, $s->vmcb01->control.exit_code
  printf " vmcb   rip %#lx rflags %#lx int_state %#lx int_ctl %#lx event_inj %#lx exit %#lx\n", \
    $s->vmcb->save.rip, $s->vmcb->save.rflags, $s->vmcb->control.int_state, \
    $s->vmcb->control.int_ctl, $s->vmcb->control.event_inj, $s->vmcb->control.exit_code
  printf " vlapic irr_words %#x events %#x run_state %d timer %d at %lu tscdl %lu\n", \
    $s->lapic.irr_words, $s->lapic.events, $s->lapic.run_state, $s->lapic.timer.armed, \
    $s->lapic.timer_deadline, $s->lapic.tsc_deadline
  printf " vlapic ISR 0x100-0x170 / IRR 0x200-0x270:\n"
  output/x $s->lapic.regs[0x10]@8
  echo \n
  output/x $s->lapic.regs[0x20]@8
  echo \n
end
define dumpn
  set $s = (struct svm_vcpu *)((struct vcpu *)$arg0)->arch
  set $c = $s->nested.cache
  set $w = $s->nested.vmcb02
  printf " last VMRUN (cache): rip %#lx rflags %#lx event_inj %#lx int_ctl %#lx int_state %#lx\n", \
    $c->save.rip, $c->save.rflags, $c->control.event_inj, $c->control.int_ctl, \
    $c->control.int_state
  printf " L2 exit (vmcb02): rip %#lx rfl %#lx exit %#lx %#lx %#lx intinf %#lx ctl %#lx sh %#lx\n",\
    $w->save.rip, $w->save.rflags, $w->control.exit_code, $w->control.exit_info_1, \
    $w->control.exit_info_2, $w->control.exit_int_info, $w->control.int_ctl, \
    $w->control.int_state
end
