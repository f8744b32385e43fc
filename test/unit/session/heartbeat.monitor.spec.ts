import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { HeartbeatMonitor } from '../../../lib/engine/session/heartbeat.monitor.js';
import { HeartbeatWheel } from '../../../lib/engine/session/heartbeat.wheel.js';

describe('HeartbeatMonitor on a shared HeartbeatWheel', () => {
  let wheel: HeartbeatWheel;
  beforeEach(() => {
    jest.useFakeTimers();
    wheel = new HeartbeatWheel();
  });
  afterEach(() => {
    wheel.stop();
    jest.useRealTimers();
  });

  const actions = () => ({ sendHeartbeat: jest.fn(), peerSilent: jest.fn<(ms: number) => void>() });

  it('sends a heart-beat only in periods with no other write', () => {
    const a = actions();
    const monitor = new HeartbeatMonitor(100, 0, 3, a, wheel);
    jest.advanceTimersByTime(100);
    expect(a.sendHeartbeat).toHaveBeenCalledTimes(1);
    monitor.markWritten();
    jest.advanceTimersByTime(100);
    expect(a.sendHeartbeat).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(100);
    expect(a.sendHeartbeat).toHaveBeenCalledTimes(2);
    monitor.stop();
  });

  it('declares the peer silent after graceFactor periods without a read, and not while it reads', () => {
    const a = actions();
    const monitor = new HeartbeatMonitor(0, 100, 3, a, wheel);
    for (let i = 0; i < 10; i++) {
      monitor.markRead();
      jest.advanceTimersByTime(100);
    }
    expect(a.peerSilent).not.toHaveBeenCalled();
    jest.advanceTimersByTime(300);
    expect(a.peerSilent).toHaveBeenCalledWith(300);
    monitor.stop();
  });

  it('counts the period it joined in as read: a session joining just before a tick is not one miss down already', () => {
    const a = actions();
    const monitor = new HeartbeatMonitor(0, 100, 2, a, wheel);
    jest.advanceTimersByTime(200);
    expect(a.peerSilent).not.toHaveBeenCalled();
    jest.advanceTimersByTime(100);
    expect(a.peerSilent).toHaveBeenCalledWith(200);
    monitor.stop();
  });

  it('shares one timer among sessions with the same period and releases it with the last', () => {
    const first = new HeartbeatMonitor(100, 100, 3, actions(), wheel);
    const second = new HeartbeatMonitor(100, 100, 3, actions(), wheel);
    const third = new HeartbeatMonitor(250, 0, 3, actions(), wheel);
    expect(jest.getTimerCount()).toBe(2);
    first.stop();
    expect(jest.getTimerCount()).toBe(2);
    second.stop();
    expect(jest.getTimerCount()).toBe(1);
    third.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
