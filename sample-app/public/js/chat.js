// Chat: rooms (/topic/rooms/{id}), private messages (/user/queue/messages), who is online (/topic/users).

import { avatar, clock, el, toast } from './format.js';

const FIRST_ROOM = 'lobby';
const ROOM_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;
// Lines a room keeps on the page (the server's own answer to /dap/rooms/{id} has the last 50).
const KEPT_EVENTS = 500;

export class Chat {
  constructor() {
    this.conversations = new Map();
    this.active = undefined;
    this.online = { version: 0, users: [] };
    this.tabs = document.getElementById('tabs');
    this.list = document.getElementById('messages');
    this.meta = document.getElementById('room-meta');
    this.input = document.getElementById('message-input');
    this.people = document.getElementById('online');
    document.getElementById('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    document.getElementById('join-room').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = document.getElementById('room-input');
      const roomId = input.value.trim().toLowerCase().replace(/\s+/g, '-');
      if (!ROOM_ID.test(roomId)) return toast('Room names are 1 to 24 lowercase letters, digits or dashes');
      input.value = '';
      this.openRoom(roomId, { focus: true });
    });
  }

  /**
   * Called on every (re)connect: subscriptions are per session, so the plain ones are made again and
   * the rooms joined again. A room's topic is resumable (the helper subscribes again from its last
   * line, so the lines posted meanwhile arrive in order); on a new connection, or when it cannot resume,
   * the room is entered afresh. `me` is undefined for a guest, who reads the rooms (subscribes) but
   * neither joins nor sends: the server refuses a guest's SEND to the chat, so the page does not try.
   */
  attach(connection, me, appPrefix) {
    // A guest who picks a name keeps the rooms open; another name starts afresh (private conversations are per user).
    if (this.me !== undefined && this.me !== me) this.reset();
    const reconnect = this.connection === connection;
    this.appPrefix = appPrefix;
    this.connection = connection;
    this.me = me;
    // A new session starts from the server's state (which a restarted server has renumbered).
    this.online = { version: 0, users: [] };
    connection.subscribe('/user/queue/errors', (error) => toast(error.message));
    if (me) connection.subscribe('/user/queue/messages', (message) => this.receivePrivate(message));
    connection.subscribe('/topic/users', (users) => this.showOnline(users));
    connection.fetchOnce(`${this.appPrefix}/users`, (users) => this.showOnline(users));
    if (this.conversations.size === 0) this.openRoom(FIRST_ROOM);
    else for (const conversation of this.conversations.values()) if (conversation.kind === 'room') this.rejoin(conversation, reconnect);
    this.render();
  }

  rejoin(conversation, reconnect) {
    if (!reconnect || !conversation.subscription) return this.enter(conversation);
    if (conversation.reloading || !conversation.subscription.position) this.reload(conversation, true);
    if (this.me) this.connection.publish(`${this.appPrefix}/rooms/${conversation.id}/join`, {});
  }

  reset() {
    this.conversations.clear();
    this.active = undefined;
    this.render();
  }

  /** `focus`: only for a user's own action; on connect, focusing the composer would scroll a phone's page to it. */
  openRoom(roomId, { focus = false } = {}) {
    const key = `room:${roomId}`;
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = { key, kind: 'room', id: roomId, events: new Map(), members: [], membersAt: 0, unread: 0 };
      this.conversations.set(key, conversation);
      if (this.connection?.connected) this.enter(conversation);
    }
    this.activate(key, { focus });
  }

  openPrivate(user) {
    this.activate(this.privateConversation(user).key, { focus: true });
  }

  /** Subscribes to the room's topic (resumable), fetches who is there and the recent history, then says "joined". */
  enter(conversation) {
    const topic = `/topic/rooms/${conversation.id}`;
    conversation.subscription = this.connection.resume(
      topic,
      (event) => this.receiveRoomEvent(conversation, event),
      () => this.reload(conversation),
    );
    this.reload(conversation, true);
    if (this.me) this.connection.publish(`${this.appPrefix}/rooms/${conversation.id}/join`, {});
  }

  /** Starts the room afresh from the server's answer, once however many times a gap is told before it. */
  reload(conversation, again = false) {
    if (conversation.reloading && !again) return;
    const mine = (conversation.reloading = (conversation.reloads ?? 0) + 1);
    Object.assign(conversation, { events: new Map(), membersAt: 0, reloads: mine });
    this.connection.fetchOnce(`${this.appPrefix}/rooms/${conversation.id}`, ({ members, history, lastEventId }) => {
      if (conversation.reloading !== mine) return;
      conversation.reloading = undefined;
      for (const event of history) conversation.events.set(eventKey(event), event);
      // The answer may arrive after newer live events: keep whichever member list is newer.
      if (lastEventId >= conversation.membersAt) Object.assign(conversation, { members, membersAt: lastEventId });
      this.render();
    });
  }

  close(key) {
    const conversation = this.conversations.get(key);
    if (conversation.kind === 'room') {
      // Also while disconnected: else the helper would subscribe again on the next connect.
      conversation.subscription?.unsubscribe();
      if (this.me && this.connection?.connected) this.connection.publish(`${this.appPrefix}/rooms/${conversation.id}/leave`, {});
    }
    this.conversations.delete(key);
    if (this.active === key) this.active = this.conversations.keys().next().value;
    this.render();
  }

  activate(key, { focus = false } = {}) {
    this.active = key;
    const conversation = this.conversations.get(key);
    conversation.unread = 0;
    this.input.placeholder = conversation.kind === 'room' ? `Message #${conversation.id}` : `Message @${conversation.id}`;
    this.render();
    if (focus) this.input.focus({ preventScroll: true });
  }

  send() {
    const text = this.input.value.trim();
    const conversation = this.conversations.get(this.active);
    if (!text || !conversation || !this.me || !this.connection?.connected) return;
    if (conversation.kind === 'room') this.connection.publish(`${this.appPrefix}/rooms/${conversation.id}/send`, { sendMessage: text });
    else this.connection.publish(`${this.appPrefix}/private`, { to: conversation.id, sendMessage: text });
    this.input.value = '';
  }

  receiveRoomEvent(conversation, event) {
    conversation.events.set(eventKey(event), event);
    if (conversation.events.size > KEPT_EVENTS) conversation.events.delete(conversation.events.keys().next().value);
    if (event.id >= conversation.membersAt) Object.assign(conversation, { members: event.members, membersAt: event.id });
    if (this.active !== conversation.key && event.kind === 'message') conversation.unread++;
    this.render();
  }

  receivePrivate(message) {
    const other = message.sender === this.me ? message.to : message.sender;
    const conversation = this.privateConversation(other);
    conversation.messages.push(message);
    if (this.active !== conversation.key) conversation.unread++;
    this.render();
  }

  privateConversation(user) {
    const key = `dm:${user}`;
    if (!this.conversations.has(key)) this.conversations.set(key, { key, kind: 'private', id: user, messages: [], unread: 0 });
    return this.conversations.get(key);
  }

  /** Lists come from /dap/users and /topic/users in any order: the highest version wins. */
  showOnline(online) {
    if (online.version < this.online.version) return;
    this.online = online;
    const { users } = online;
    document.getElementById('online-count').textContent = String(users.length);
    this.people.replaceChildren(
      ...users.map((user) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: user === this.me ? 'person self' : 'person',
              dataset: { user },
              title: user === this.me ? 'You' : this.me ? `Send ${user} a private message` : 'Pick a name to send private messages',
              disabled: !this.me,
              onclick: () => user !== this.me && this.openPrivate(user),
            },
            avatar(user),
            user === this.me ? `${user} (you)` : user,
          ),
        ),
      ),
    );
  }

  render() {
    this.tabs.replaceChildren(
      ...[...this.conversations.values()].map((c) =>
        el(
          'span',
          {
            class: 'tab',
            role: 'tab',
            tabindex: 0,
            'aria-selected': String(c.key === this.active),
            dataset: { key: c.key },
            onclick: () => this.activate(c.key, { focus: true }),
            onkeydown: (event) => (event.key === 'Enter' || event.key === ' ') && this.activate(c.key, { focus: true }),
          },
          c.kind === 'room' ? `# ${c.id}` : `@ ${c.id}`,
          c.unread > 0 ? el('span', { class: 'unread' }, String(c.unread)) : undefined,
          el(
            'button',
            {
              type: 'button',
              class: 'close',
              title: 'Close',
              'aria-label': `Close ${c.id}`,
              onclick: (event) => {
                event.stopPropagation();
                this.close(c.key);
              },
            },
            '×',
          ),
        ),
      ),
    );

    const conversation = this.conversations.get(this.active);
    if (!conversation) {
      this.meta.textContent = 'Join a room to chat';
      this.list.replaceChildren(el('li', { class: 'empty' }, 'No conversation open'));
      return;
    }
    const stick = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    if (conversation.kind === 'room') {
      const count = conversation.members.length;
      this.meta.textContent = `${count} here${count ? `: ${conversation.members.join(', ')}` : ''}`;
      const events = [...conversation.events.values()].sort((a, b) => a.id - b.id);
      this.list.replaceChildren(
        ...(events.length ? events.map((e) => this.roomItem(e)) : [el('li', { class: 'empty' }, `Say hello in #${conversation.id}`)]),
      );
    } else {
      this.meta.textContent = `Private conversation with ${conversation.id}: only the two of you see it`;
      this.list.replaceChildren(
        ...(conversation.messages.length
          ? conversation.messages.map((m) => this.bubble(m.sender, m.sendMessage, m.time, 'private'))
          : [el('li', { class: 'empty' }, `Messages to ${conversation.id} reach only their sessions`)]),
      );
    }
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  roomItem(event) {
    if (event.kind === 'message') return this.bubble(event.sender, event.sendMessage, event.time, 'room');
    return el(
      'li',
      { class: 'notice', dataset: { kind: event.kind } },
      `${event.sender} ${event.kind === 'join' ? 'joined' : 'left'} · ${clock(event.time)}`,
    );
  }

  bubble(sender, text, time, kind) {
    const mine = sender === this.me;
    return el(
      'li',
      { class: mine ? 'msg mine' : 'msg', dataset: { kind, sender } },
      mine ? undefined : avatar(sender),
      el(
        'div',
        { class: 'bubble' },
        el('div', { class: 'who' }, mine ? 'You' : sender, el('time', {}, clock(time))),
        el('div', { class: 'text' }, text),
      ),
    );
  }
}

/**
 * Room event ids are counted per node: in a cluster two nodes' events can share one, so an event is told
 * apart by who said what when too (the same event, replayed or fetched again, keeps all four).
 */
function eventKey(event) {
  return `${event.id}|${event.time}|${event.sender}|${event.kind}`;
}
