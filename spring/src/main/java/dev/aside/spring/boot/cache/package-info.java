/** Spring's cache abstraction over Aside caches: the cache manager, the caches, and dropped puts during outages. */
package dev.aside.spring.boot.cache;
