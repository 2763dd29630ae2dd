package dev.ferry.export;

/** A source snapshot blob and a staging blob in memory, wired so that Put Page From URL reads the source. */
public record InMemoryBlobs(InMemoryPageBlob source, InMemoryPageBlob destination) {

    public static InMemoryBlobs sourceAndDestination(long diskBytes) {
        InMemoryPageBlob source = new InMemoryPageBlob("https://md.example/sas/abcd", diskBytes + 512, true);
        InMemoryPageBlob destination = new InMemoryPageBlob("https://staging.example/vhds/b/p.vhd", diskBytes + 512, false);
        destination.urlSource = source;
        return new InMemoryBlobs(source, destination);
    }
}
