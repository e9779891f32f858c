package dev.telltale.sso;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.telltale.auth.User;
import dev.telltale.teams.Teams;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Sso} over the stored settings. The settings and the provider connection made from them
 * are held in memory and replaced as a whole when an Admin saves new ones; each replacement is a
 * new generation, and a sign-in completes only under the generation it began in.
 */
final class OidcSso implements Sso {
    private final SettingsStore store;
    private final Identities identities;
    private final SettingsCheck check;
    private final Clock clock;
    private final PendingLogins pending;
    private final Object saving = new Object();
    private volatile Active active;

    /** The settings in force and, when enabled, a connection to their provider. */
    private record Active(SettingsStore.Loaded loaded, Optional<Provider> provider, long generation) {
    }

    OidcSso(SettingsStore store, Identities identities, Teams teams, Clock clock) {
        this.store = store;
        this.identities = identities;
        this.check = new SettingsCheck(teams);
        this.clock = clock;
        this.pending = new PendingLogins(clock);
        this.active = activate(store.load(), 0);
    }

    private Active activate(SettingsStore.Loaded loaded, long generation) {
        SsoSettings s = loaded.stored().settings();
        Optional<Provider> provider = Optional.empty();
        if (s.enabled() && s.issuer().isPresent() && s.clientId().isPresent() && loaded.clientSecret().isPresent()) {
            provider = Optional.of(new Provider(new Provider.Client(s.issuer().get(), s.clientId().get(),
                    loaded.clientSecret().get(), s.scopes(), s.trustedCaPem()), clock));
        }
        return new Active(loaded, provider, generation);
    }

    @Override
    public SsoSettings.Stored settings() {
        return active.loaded().stored();
    }

    @Override
    public SsoSettings.Stored update(SsoSettings settings, Optional<String> clientSecret, String actor) {
        synchronized (saving) {
            boolean secretAvailable = clientSecret.isPresent() || active.loaded().clientSecret().isPresent();
            AccessRules rules = check.check(settings, clientSecret, secretAvailable);
            store.save(settings, rules, clientSecret, actor);
            Active old = active;
            active = activate(store.load(), old.generation() + 1);
            old.provider().ifPresent(Provider::close);
            return active.loaded().stored();
        }
    }

    @Override
    public LoginStart begin(URI redirectUri) {
        Active a = active;
        Provider p = a.provider().orElseThrow(OidcSso::disabled);
        PendingLogins.Pending started = pending.open(redirectUri, a.generation());
        return new LoginStart(p.authorizationUrl(started), started.browserBinding());
    }

    @Override
    public User complete(Callback cb) {
        Active a = active;
        Provider p = a.provider().orElseThrow(OidcSso::disabled);
        String state = cb.state().filter(s -> !s.isEmpty()).orElseThrow(() -> new SsoException(
                SsoException.Kind.BAD_CALLBACK, "the provider's redirect carries no state"));
        // A state this appliance never issued (or forgot) is refused without an audit row: anyone
        // can send those, and they prove nothing about any user.
        PendingLogins.Taken taken = pending.take(state).orElseThrow(() -> SsoException.refused(
                "unknown or expired sign-in; start again from the sign-in page"));
        AtomicReference<String> actor = new AtomicReference<>("anonymous");
        try {
            return finish(a, p, taken, cb, actor);
        } catch (SsoException e) {
            identities.refused(actor.get(), p.issuer(), e.getMessage());
            throw e;
        }
    }

    private User finish(Active a, Provider p, PendingLogins.Taken taken, Callback cb, AtomicReference<String> actor) {
        PendingLogins.Pending started = taken.pending();
        switch (taken.outcome()) {
            case REPLAYED -> throw SsoException.refused("this sign-in was already completed: its callback was replayed");
            case EXPIRED -> throw SsoException.refused("the sign-in took longer than "
                    + PendingLogins.LIFETIME.toMinutes() + " minutes; start again");
            case FRESH -> { }
        }
        if (cb.browserBinding().filter(b -> Randoms.same(b, started.browserBinding())).isEmpty()) {
            throw SsoException.refused("the sign-in was started in another browser (its sign-in cookie is missing"
                    + " or different); start again");
        }
        if (started.generation() != a.generation()) {
            throw SsoException.refused("the single sign-on settings changed during the sign-in; start again");
        }
        if (cb.error().isPresent()) {
            String detail = cb.errorDescription().map(d -> " (" + Text.clean(d, 300) + ")").orElse("");
            throw SsoException.refused("the identity provider refused the sign-in: " + Text.clean(cb.error().get(), 100)
                    + detail);
        }
        String code = cb.code().filter(c -> !c.isEmpty())
                .orElseThrow(() -> SsoException.refused("the provider's redirect carries no authorization code"));
        JWTClaimsSet claims = p.redeem(code, started);
        SsoSettings s = a.loaded().stored().settings();
        actor.set(Text.clean(claims.getSubject(), 100));
        Identity who = Identity.from(claims, s.usernameClaim(), s.groupsClaim());
        actor.set(who.username());
        return identities.signIn(who, a.loaded().rules().plan(who.groups()));
    }

    private static SsoException disabled() {
        return new SsoException(SsoException.Kind.DISABLED, "single sign-on is not enabled on this appliance");
    }

    @Override
    public void close() {
        active.provider().ifPresent(Provider::close);
    }
}
