/**
 * Expiry: turns a JCache {@link javax.cache.expiry.ExpiryPolicy} into the TTLs Redis applies to
 * entry keys.
 */
package dev.aside.expiry;
