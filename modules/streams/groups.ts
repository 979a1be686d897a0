/**
 * Consumer groups: the group's last delivered ID and read counter, its pending entries list
 * (PEL: delivered, not yet acknowledged entries) and its consumers, each with its own PEL.
 *
 * As in Redis, one `Nack` object sits in both the group's PEL and its owner's PEL, so
 * moving ownership (XCLAIM) or acknowledging (XACK) touches two ordered maps and nothing
 * else. Groups and consumers are listed by XINFO in byte order of their names (Redis keeps
 * them in radix trees), so the listings sort the names.
 */

import { IdIndex } from "./id_index.ts";
import type { StreamId } from "./stream_id.ts";

/** A pending entry: who owns it, when it was last delivered, how many times. */
export interface Nack {
  consumer: Consumer;
  deliveryTime: number;
  deliveryCount: number;
}

/**
 * A consumer of a group.
 *
 * @example
 * ```ts
 * const c = new Consumer("alice", Date.now());
 * ```
 */
export class Consumer {
  readonly pel = new IdIndex<Nack>();
  /** Last time the consumer attempted an interaction (seen-time). */
  seenTime: number;
  /** Last successful interaction (active-time), -1 when never. */
  activeTime = -1;

  constructor(readonly name: string, now: number) {
    this.seenTime = now;
  }
}

/**
 * A consumer group.
 *
 * @example
 * ```ts
 * const g = new ConsumerGroup("g", { ms: 0, seq: 0 }, -1);
 * ```
 */
export class ConsumerGroup {
  readonly pel = new IdIndex<Nack>();
  readonly consumers = new Map<string, Consumer>();

  /**
   * @param lastId the last delivered ID
   * @param entriesRead the logical read counter, -1 when unknown
   */
  constructor(readonly name: string, public lastId: StreamId, public entriesRead: number) {}

  /** The consumer, created when missing; `created` tells which. */
  consumer(name: string, now: number): { consumer: Consumer; created: boolean } {
    let consumer = this.consumers.get(name);
    if (consumer) return { consumer, created: false };
    consumer = new Consumer(name, now);
    this.consumers.set(name, consumer);
    return { consumer, created: true };
  }

  /** Delete a consumer and its pending entries; returns how many it had. */
  deleteConsumer(consumer: Consumer): number {
    const n = consumer.pel.size;
    for (const [id] of consumer.pel.entries()) this.pel.delete(id);
    this.consumers.delete(consumer.name);
    return n;
  }

  /** Remove a pending entry from the group and its owner. */
  ack(id: StreamId): boolean {
    const nack = this.pel.delete(id);
    if (nack === undefined) return false;
    nack.consumer.pel.delete(id);
    return true;
  }

  /** Give a pending entry to `consumer` (removing it from the previous owner). */
  assign(id: StreamId, nack: Nack, consumer: Consumer): void {
    if (nack.consumer === consumer) return;
    nack.consumer.pel.delete(id);
    nack.consumer = consumer;
    consumer.pel.set(id, nack);
  }

  /** Consumers in name (byte) order. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((
      a,
      b,
    ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
