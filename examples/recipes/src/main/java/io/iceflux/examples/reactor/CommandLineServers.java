package io.iceflux.examples.reactor;

import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import java.util.ArrayList;
import java.util.List;

/** The server URLs and the credentials for TURN URLs of an example's command line. */
record CommandLineServers(List<String> urls, String username, String password) {

    /**
     * Parse {@code [-u USERNAME] [-p PASSWORD] URL...}.
     *
     * @throws IllegalArgumentException for no URL or an option without its value
     */
    static CommandLineServers parse(String[] args) {
        List<String> urls = new ArrayList<>();
        String username = null;
        String password = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-u") || arg.equals("-p")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("option " + arg + " needs a value");
                }
                if (arg.equals("-u")) {
                    username = args[++i];
                } else {
                    password = args[++i];
                }
            } else {
                urls.add(arg);
            }
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("usage: [-u USERNAME] [-p PASSWORD] URL... (at least one URL)");
        }
        return new CommandLineServers(List.copyOf(urls), username, password);
    }

    /** One server per URL, with the credentials for turn/turns URLs. */
    List<IceServer> servers() {
        return urls.stream().map(url -> server(url, username, password)).toList();
    }

    /** One server for {@code url}, with the credentials when it is a turn/turns URL. */
    static IceServer server(String url, String username, String password) {
        return IceServerUrl.parse(url).scheme().isTurn() ? IceServer.of(List.of(url), username, password)
                : IceServer.of(url);
    }
}
