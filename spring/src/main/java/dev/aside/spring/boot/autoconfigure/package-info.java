/** Spring Boot auto-configuration of Aside: caching, meters and health, each when its Spring module is present. */
package dev.aside.spring.boot.autoconfigure;
