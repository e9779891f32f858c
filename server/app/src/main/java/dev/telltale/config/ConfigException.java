package dev.telltale.config;

/** A configuration value is missing or invalid; the message names the key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
    }
}
