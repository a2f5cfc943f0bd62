/**
 * Workflow histories to and from Temporal's JSON history format (the one `temporal workflow show
 * --output json` and the Web UI's download produce), for the replay corpus under test/replay/.
 *
 * Why not `historyToJSON`/`historyFromJSON` of @temporalio/common: in this install npm keeps a
 * separate copy of protobufjs under each of @temporalio/common and @temporalio/proto (the root
 * has protobufjs 7 for gRPC), and protojson's `instanceof Type` check then fails across copies
 * ("type must be a Type"). Using the protojson of the copy @temporalio/proto itself loads is the
 * same conversion, whatever the node_modules layout.
 */
import * as path from 'path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** The history as a plain JSON value: `{ events: [...] }` in proto3 JSON (RFC 3339 times, int64 as strings). */
export function historyToJsonValue(history: History): { events: Record<string, unknown>[] } {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as { events: Record<string, unknown>[] };
}

/** A history from its JSON form (extra top-level keys such as our metadata are ignored). */
export function historyFromJsonValue(json: { events: unknown[] }): proto.temporal.api.history.v1.History {
  if (!json || !Array.isArray(json.events) || json.events.length === 0) throw new TypeError('not a workflow history: expected a non-empty "events" array');
  const loaded = protojson.fromJson(historyType, { events: json.events }, { ignoreUnknownFields: true });
  if (!loaded) throw new TypeError('not a workflow history');
  return loaded as proto.temporal.api.history.v1.History;
}
