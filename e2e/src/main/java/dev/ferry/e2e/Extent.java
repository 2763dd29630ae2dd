package dev.ferry.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What the demo application holds in one 1 MiB extent of a disk: pieces of seeded data, zeros
 * everywhere else (never written, or trimmed). Immutable: a write or a trim returns a new extent.
 *
 * @param pieces the written pieces, in order, not overlapping
 */
record Extent(List<Piece> pieces) {

    static final int SIZE = 1 << 20;

    /** Bytes {@code [from, to)} of the extent hold the bytes of {@code seed}'s data at the same positions. */
    record Piece(int from, int to, long seed) {
    }

    Extent {
        pieces = List.copyOf(pieces);
    }

    /** An extent written whole with the data of {@code seed}. */
    static Extent whole(long seed) {
        return new Extent(List.of(new Piece(0, SIZE, seed)));
    }

    /** An extent of which only {@code [from, to)} was written, with the data of {@code seed}. */
    static Extent piece(int from, int to, long seed) {
        return new Extent(List.of()).write(from, to, seed);
    }

    /** This extent after {@code [from, to)} was written with the data of {@code seed}. */
    Extent write(int from, int to, long seed) {
        List<Piece> next = without(from, to);
        next.add(new Piece(from, to, seed));
        next.sort(Comparator.comparingInt(Piece::from));
        return new Extent(next);
    }

    /** This extent after {@code [from, to)} was trimmed: those bytes read as zeros. */
    Extent trim(int from, int to) {
        return new Extent(without(from, to));
    }

    boolean isEmpty() {
        return pieces.isEmpty();
    }

    /** The bytes the application has written here and not trimmed since. */
    long writtenBytes() {
        return pieces.stream().mapToLong(p -> p.to() - p.from()).sum();
    }

    /** The extent's 1 MiB as the disk should hold it. */
    byte[] bytes() {
        byte[] out = new byte[SIZE];
        for (Piece piece : pieces) {
            System.arraycopy(seeded(piece.seed()), piece.from(), out, piece.from(), piece.to() - piece.from());
        }
        return out;
    }

    /** The 1 MiB of data a seed stands for; a piece takes its bytes at its own positions. */
    static byte[] seeded(long seed) {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private List<Piece> without(int from, int to) {
        if (from < 0 || to > SIZE || from >= to) {
            throw new IllegalArgumentException("range " + from + "-" + to + " is not within one extent");
        }
        List<Piece> left = new ArrayList<>();
        for (Piece piece : pieces) {
            if (piece.to() <= from || piece.from() >= to) {
                left.add(piece);
                continue;
            }
            if (piece.from() < from) {
                left.add(new Piece(piece.from(), from, piece.seed()));
            }
            if (piece.to() > to) {
                left.add(new Piece(to, piece.to(), piece.seed()));
            }
        }
        return left;
    }
}
