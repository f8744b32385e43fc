import { describe, expect, it } from '@jest/globals';
import { ChatRooms } from '../../../sample-app/src/chat/chat.rooms.js';

const kinds = (events: Array<{ kind: string; sender: string }>) => events.map((e) => `${e.sender} ${e.kind}`);

describe('ChatRooms: a closed session until its leave is announced', () => {
  it('keeps the user a member, silently, and hands the place to the same user joining again', () => {
    const rooms = new ChatRooms();
    rooms.join('dev', 's1', 'ana');
    rooms.join('dev', 's2', 'bob');
    rooms.markClosed('s1');
    expect(rooms.snapshot('dev').members).toEqual(['ana', 'bob']);
    // The page came back over another transport: a new session, no notice.
    expect(rooms.join('dev', 's3', 'ana')).toBeUndefined();
    expect(kinds(rooms.leaveAll('s1'))).toEqual([]);
    // The place was handed over, so leaving from the new session is announced at once.
    expect(rooms.leave('dev', 's3')).toMatchObject({ kind: 'leave', sender: 'ana', members: ['bob'] });
  });

  it("announces the leave of a user who did not come back, and leaves another user's closed session alone", () => {
    const rooms = new ChatRooms();
    rooms.join('dev', 's1', 'ana');
    rooms.join('ops', 's1', 'ana');
    rooms.join('dev', 's2', 'bob');
    rooms.markClosed('s2');
    // ana comes back to one of her rooms only; bob's closed session is not hers to take over.
    rooms.markClosed('s1');
    rooms.join('dev', 's3', 'ana');
    expect(rooms.snapshot('dev').members).toEqual(['ana', 'bob']);
    expect(kinds(rooms.leaveAll('s1'))).toEqual(['ana leave']);
    expect(rooms.leaveAll('s1')).toEqual([]);
    expect(kinds(rooms.leaveAll('s2'))).toEqual(['bob leave']);
  });
});
