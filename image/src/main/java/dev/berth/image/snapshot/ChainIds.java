package dev.berth.image.snapshot;

import dev.berth.image.store.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain ids name a stack of layers rather than one layer (OCI image-spec config.md, "Layer
 * ChainID"): {@code ChainID(L0) = DiffID(L0)} and {@code ChainID(L0|...|Ln) =
 * Digest(ChainID(L0|...|Ln-1) + " " + DiffID(Ln))}, hashing the digest strings. A committed
 * snapshot is named by the chain id of the layers it holds, so images sharing a base share its
 * snapshots.
 */
public final class ChainIds {
    private ChainIds() {
    }

    /** The chain id of each prefix of {@code diffIds}, bottom layer first. */
    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        for (Digest diffId : diffIds) {
            if (chain.isEmpty()) {
                chain.add(diffId);
            } else {
                String input = chain.getLast() + " " + diffId;
                chain.add(Digest.of("sha256", input.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return List.copyOf(chain);
    }
}
