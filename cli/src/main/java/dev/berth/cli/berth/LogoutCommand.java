package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.service.RegistryLogin;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `logout [SERVER]`, as docker's (docker/cli cli/command/registry/logout.go): removes the server's
 * entry from config.json's auths. Not being logged in is no error; docker says so and exits 0.
 */
final class LogoutCommand implements BerthVerb {
    private final PositionalParamSpec server = Args.positional(0, "SERVER",
            "the registry (host[:port]; default Docker Hub)", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "logout", "log out from a registry (removes its credentials from config.json)")
                .addPositional(server);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        RegistryLogin.Server target;
        try {
            target = RegistryLogin.Server.of(Args.value(server));
        } catch (IllegalArgumentException e) {
            context.err.println("berth: " + e.getMessage());
            return 2;
        }
        RegistryLogin login = new RegistryLogin(context.registryOptions());
        // docker prints the first line before erasing and the second when there was nothing to erase.
        if (login.logout(target)) {
            context.out.println("Removing login credentials for " + target.configKey());
        } else {
            context.out.println("Not logged in to " + target.configKey());
        }
        return 0;
    }
}
