/** Something that wants a call once per period. */
export interface HeartbeatMember {
  onPeriod(periodMs: number): void;
}

interface Group {
  timer: NodeJS.Timeout;
  members: Set<HeartbeatMember>;
}

/**
 * One timer per distinct heart-beat period for all sessions, instead of two timers per session:
 * with 20,000 sessions that is a handful of timers rather than 40,000, and a few hundred bytes
 * less per idle session. A member joining mid-period is first called early, which only makes a
 * heart-beat early, and the grace factor covers the receiving side.
 */
export class HeartbeatWheel {
  private readonly groups = new Map<number, Group>();

  join(periodMs: number, member: HeartbeatMember): void {
    let group = this.groups.get(periodMs);
    if (!group) {
      const members = new Set<HeartbeatMember>();
      const timer = setInterval(() => {
        for (const m of members) m.onPeriod(periodMs);
      }, periodMs);
      // Sessions keep the process alive through their sockets; the wheel must not on its own.
      timer.unref();
      this.groups.set(periodMs, (group = { timer, members }));
    }
    group.members.add(member);
  }

  leave(periodMs: number, member: HeartbeatMember): void {
    const group = this.groups.get(periodMs);
    if (!group?.members.delete(member) || group.members.size > 0) return;
    clearInterval(group.timer);
    this.groups.delete(periodMs);
  }

  stop(): void {
    for (const group of this.groups.values()) clearInterval(group.timer);
    this.groups.clear();
  }
}
