package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.registry.Credentials;
import dev.berth.image.service.RegistryLogin;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `login [-u USER] [-p PASS | --password-stdin] [SERVER]`, as docker's (docker/cli
 * cli/command/registry/login.go): the credentials are checked with the registry, then stored in
 * config.json's auths, base64 but unencrypted, which docker warns about and so does berth. What is
 * not given on the command line is asked for when a terminal is there to ask on.
 */
final class LoginCommand implements BerthVerb {
    private final OptionSpec username = Args.option(String.class, "<user>", "user name", "-u", "--username");
    private final OptionSpec password = Args.option(String.class, "<password>", "password or token", "-p", "--password");
    private final OptionSpec passwordStdin = Args.flag("take the password from stdin", "--password-stdin");
    private final PositionalParamSpec server = Args.positional(0, "SERVER",
            "the registry (host[:port]; default Docker Hub)", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "login", "log in to a registry (credentials are stored in docker's config.json)")
                .addOption(username).addOption(password).addOption(passwordStdin).addPositional(server);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String user = Args.value(username);
        String pass = Args.value(password);
        if (pass != null) {
            context.err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        }
        if (Args.isSet(passwordStdin)) {
            if (pass != null) {
                context.err.println("berth: --password and --password-stdin are mutually exclusive");
                return 2;
            }
            if (user == null || user.isEmpty()) {
                context.err.println("berth: Must provide --username with --password-stdin");
                return 2;
            }
            pass = stdinPassword(context);
        }
        RegistryLogin.Server target;
        try {
            target = RegistryLogin.Server.of(Args.value(server));
        } catch (IllegalArgumentException e) {
            context.err.println("berth: " + e.getMessage());
            return 2;
        }
        if (user == null || user.isEmpty() || pass == null || pass.isEmpty()) {
            Credentials asked = ask(context, target, user);
            if (asked == null) {
                return 1;
            }
            user = asked.username();
            pass = asked.password();
        }
        RegistryLogin login = new RegistryLogin(context.registryOptions());
        login.login(target, new Credentials(user, pass));
        context.err.println("WARNING! Your credentials are stored unencrypted in '" + login.configFile() + "'.");
        context.err.println("Configure a credential helper to remove this warning. See");
        context.err.println("https://docs.docker.com/go/credential-store/");
        context.err.println();
        context.out.println("Login Succeeded");
        return 0;
    }

    /** As docker: all of stdin, less one trailing "\n" and then one "\r" (a line typed or echoed in). */
    private static String stdinPassword(BerthContext context) throws IOException {
        String text = new String(context.in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** Prompts on the terminal for what is missing; null (after saying why) when there is none. */
    private static Credentials ask(BerthContext context, RegistryLogin.Server target, String user) {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            context.err.println("berth: Cannot perform an interactive login from a non TTY device");
            return null;
        }
        if (target.registry().equals("docker.io")) {
            console.printf("Log in with your Docker ID or email address to push and pull images from Docker Hub.%n");
        }
        String name = user;
        if (name == null || name.isEmpty()) {
            name = console.readLine("Username: ");
            name = name == null ? "" : name.strip();
        }
        if (name.isEmpty()) {
            context.err.println("berth: Username cannot be empty");
            return null;
        }
        char[] typed = console.readPassword("Password: ");
        if (typed == null || typed.length == 0) {
            context.err.println("berth: password is required");
            return null;
        }
        return new Credentials(name, new String(typed));
    }
}
