package dev.berth.runtime.config;

/** A namespace to create ({@code path == null}) or to join (the nsfs file at {@code path}). */
public record NamespaceConfig(NamespaceKind kind, String path) {
}
