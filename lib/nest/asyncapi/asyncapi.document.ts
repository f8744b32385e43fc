import type { JsonSchema } from '../../interfaces/stomp-observability.interface.js';

/** A payload: its schema and, for a DTO class, the component name it is filed under. */
export interface PayloadSpec {
  schema: JsonSchema;
  contentType: string;
  /** `components.schemas` key; absent = the schema goes inline. */
  component?: string;
}

/** One message on one destination. */
export interface MessageSpec {
  /** Full destination, with `{var}` segments (Ant wildcards kept as written). */
  address: string;
  /** Unique within the address: the DTO or handler it comes from. */
  name: string;
  payload?: PayloadSpec;
  description?: string;
}

/**
 * One operation, from the server's side as AsyncAPI 3 sees it: `receive` = clients SEND to
 * `message.address`, `send` = the server pushes there.
 */
export interface OperationSpec {
  id: string;
  action: 'send' | 'receive';
  message: MessageSpec;
  summary: string;
  reply?: MessageSpec;
}

export interface ServerSpec {
  id: string;
  pathname: string;
  description: string;
}

export interface DocumentSpec {
  title: string;
  version: string;
  description?: string;
  host: string;
  servers: ServerSpec[];
  operations: OperationSpec[];
}

/** `/dap/rooms/{roomId}/send` → `dap_rooms_roomId_send`: AsyncAPI keys are `[A-Za-z0-9_-]+`. */
export function keyOf(text: string): string {
  const key = text
    .replace(/\{([^}:]+)[^}]*\}/g, '$1')
    .replace(/\*\*/g, 'any')
    .replace(/\*/g, 'one')
    .replace(/[^A-Za-z0-9_-]+/g, '_');
  return key.replace(/^_+|_+$/g, '') || 'root';
}

/** `{id:\d+}` → `{id}`: channel parameters are named by the bare variable. */
function addressOf(destination: string): { address: string; parameters: Record<string, { description: string }> } {
  const parameters: Record<string, { description: string }> = {};
  const address = destination.replace(/\{([^}:]+)(?::([^}]*))?\}/g, (_, name: string, regex: string | undefined) => {
    parameters[name] = { description: regex ? `segment matching ${regex}` : 'one destination segment' };
    return `{${name}}`;
  });
  return { address, parameters };
}

interface Channel {
  address: string;
  parameters?: Record<string, { description: string }>;
  messages: Record<string, Record<string, unknown>>;
}

/** Builds the AsyncAPI 3.0 document: one channel per destination, its messages merged from every operation on it. */
export function buildAsyncApiDocument(spec: DocumentSpec): Record<string, unknown> {
  const channels: Record<string, Channel> = {};
  const schemas: Record<string, JsonSchema> = {};
  const channelKeys = new Map<string, string>();

  const channelKey = (destination: string): string => {
    const { address, parameters } = addressOf(destination);
    const known = channelKeys.get(address);
    if (known) return known;
    let key = keyOf(address);
    while (channels[key]) key += '_';
    channelKeys.set(address, key);
    channels[key] = { address, ...(Object.keys(parameters).length > 0 && { parameters }), messages: {} };
    return key;
  };

  const messageRef = (message: MessageSpec): { channel: { $ref: string }; message: { $ref: string } } => {
    const key = channelKey(message.address);
    const name = keyOf(message.name);
    const entry: Record<string, unknown> = { name, ...(message.description && { description: message.description }) };
    if (message.payload) {
      const { schema, contentType, component } = message.payload;
      entry.contentType = contentType;
      if (component) {
        schemas[component] = schema;
        entry.payload = { $ref: `#/components/schemas/${component}` };
      } else entry.payload = schema;
    }
    channels[key].messages[name] ??= entry;
    return { channel: { $ref: `#/channels/${key}` }, message: { $ref: `#/channels/${key}/messages/${name}` } };
  };

  const operations: Record<string, unknown> = {};
  for (const op of spec.operations) {
    const { channel, message } = messageRef(op.message);
    const operation: Record<string, unknown> = { action: op.action, channel, messages: [message], summary: op.summary };
    if (op.reply) {
      const reply = messageRef(op.reply);
      operation.reply = { channel: reply.channel, messages: [reply.message] };
    }
    let id = keyOf(op.id);
    while (operations[id]) id += '_';
    operations[id] = operation;
  }

  const servers = Object.fromEntries(
    spec.servers.map((s) => [
      s.id,
      { host: spec.host, protocol: 'stomp', protocolVersion: '1.2', pathname: s.pathname, description: s.description },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: { title: spec.title, version: spec.version, ...(spec.description && { description: spec.description }) },
    defaultContentType: 'application/json',
    servers,
    channels,
    operations,
    ...(Object.keys(schemas).length > 0 && { components: { schemas } }),
  };
}
