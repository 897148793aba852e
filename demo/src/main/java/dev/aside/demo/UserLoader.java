package dev.aside.demo;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;

/** The read-through loader of the Aside cache: one database lookup per missing key. */
final class UserLoader implements CacheLoader<Long, User> {

    private final UserDatabase database;

    UserLoader(UserDatabase database) {
        this.database = database;
    }

    @Override
    public User load(Long id) {
        try {
            return database.find(id);
        } catch (SQLException e) {
            throw new CacheLoaderException("Cannot load user " + id, e);
        }
    }

    @Override
    public Map<Long, User> loadAll(Iterable<? extends Long> ids) {
        Map<Long, User> users = new HashMap<>();
        for (Long id : ids) {
            User user = load(id);
            if (user != null) {
                users.put(id, user);
            }
        }
        return users;
    }
}
