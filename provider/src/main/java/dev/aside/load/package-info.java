/**
 * Read-through as production-safe cache-aside: coalesced loads, lease-protected fills, negative
 * caching and refresh-ahead. {@link dev.aside.load.ReadThrough} reads top to bottom.
 */
package dev.aside.load;
