/**
 * The {@link javax.cache.Cache} facade: JCache semantics (statistics, events, loaders, writers,
 * expiry) on top of the Redis store.
 *
 * <p>A cache is assembled by {@code manager.CacheFactory} into {@link dev.aside.cache.CacheParts};
 * {@link dev.aside.cache.AsideCache} composes them into its operations: {@code Reads} ({@code get},
 * {@code getAll}, {@code containsKey}; the hot path), {@code Writes}, {@code Removals} and
 * {@code Processing} ({@code invoke}).
 *
 * <p>To change a write, read in this order: {@code Operation} (one row per single-entry write,
 * removal or invoke: its checks, writer call, route, failure handling and statistics), {@code Mutations}
 * (the pipeline that applies those rules, numbered step by step), then the operation's method in
 * {@code Writes}, {@code Removals} or {@code Processing} (its one-command form) and its decision in
 * {@code Changes} (the compare-and-set form, pure and unit-tested). A new operation is a new row, a
 * one-command form if it has one, and a decision.
 */
package dev.aside.cache;
