package dev.berth.runtime;

/** No container of that ID under the runtime root; the message is runc's, which clients match. */
public final class ContainerNotFoundException extends RuntimeFailure {
    public ContainerNotFoundException(String id) {
        super("container does not exist: " + id);
    }
}
