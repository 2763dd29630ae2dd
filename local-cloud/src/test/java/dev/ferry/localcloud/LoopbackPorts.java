package dev.ferry.localcloud;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Checks whether a stand-in listens on a loopback port, for the tests of starting and stopping. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** Whether something accepts a TCP connection on 127.0.0.1 at {@code port} within a second. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
