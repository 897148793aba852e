/**
 * Turns keys and values into the bytes kept in Redis and back.
 *
 * <p>Values carry a two-byte header ({@link dev.aside.codec.ValueFormat}) ahead of a tagged payload:
 * compact encodings for {@code String}, boxed primitives and {@code byte[]}, Jackson JSON for declared
 * concrete types, and Java serialization, guarded by an {@link java.io.ObjectInputFilter} allowlist,
 * for everything else. Bytes that do not decode raise {@link dev.aside.codec.UndecodableValueException},
 * which the cache turns into a miss plus a metric, never an exception to a reader.
 */
package dev.aside.codec;
