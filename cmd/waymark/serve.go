package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/face"
	wmhttp "github.com/waymark-org/waymark/internal/http"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/web"
)

func init() {
	register(command{"serve", "run the web service and API", runServe})
}

// serveFlags configure the web service.
type serveFlags struct {
	addr, tz          string
	secure, proxy     bool
	idle, maxLifetime time.Duration
	follow            time.Duration
	sweep             time.Duration
	publicURL         string
	mail              alert.Mail
	signInMemory      uint64
	searches          int
	faceModels        string
	installFaces      bool // download the face networks when they are not there (the demo)
}

func (f *serveFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", envOr("WAYMARK_ADDR", ":8080"), "address to listen on ($WAYMARK_ADDR)")
	fs.StringVar(&f.faceModels, "face-models", envOr("WAYMARK_FACE_MODELS", ""), "folder of the face networks (`waymark face install` prints it); empty: the installed ones if any; off: no face matching ($WAYMARK_FACE_MODELS)")
	tzFlag(fs, &f.tz)
	fs.BoolVar(&f.secure, "secure-cookies", envOr("WAYMARK_SECURE_COOKIES", "") == "true", "mark cookies Secure and send HSTS: set when served over HTTPS")
	fs.BoolVar(&f.proxy, "trust-proxy", false, "take client addresses from X-Forwarded-For (only behind your own proxy)")
	fs.Uint64Var(&f.signInMemory, "signin-memory", registry.HashingBudget>>20, "MiB that password hashing may use at once: sign-ins past it wait their turn, then are told to retry")
	fs.IntVar(&f.searches, "searches-per-hour", registry.DefaultSearches, "identification searches one user or token may make an hour (0: no limit)")
	fs.DurationVar(&f.idle, "session-idle", 2*time.Hour, "sign out after this long without use")
	fs.DurationVar(&f.maxLifetime, "session-max", 12*time.Hour, "sign out this long after signing in, in use or not")
	fs.DurationVar(&f.follow, "follow", 500*time.Millisecond, "on SQLite, how often to read other processes' changes into the identification index (PostgreSQL notifies them; this is its fallback while listening fails)")
	fs.DurationVar(&f.sweep, "alert-sweep", 30*time.Second, "how often to look for deadlines come due (a care change also triggers a sweep)")
	fs.StringVar(&f.publicURL, "public-url", envOr("WAYMARK_PUBLIC_URL", ""), "Waymark's address as users reach it, for links in alert e-mails and webhooks and single sign-on's way back ($WAYMARK_PUBLIC_URL)")
	fs.StringVar(&f.mail.Addr, "smtp-addr", envOr("WAYMARK_SMTP_ADDR", ""), "SMTP server (host:port) for e-mail alerts; none sends no e-mail ($WAYMARK_SMTP_ADDR)")
	fs.StringVar(&f.mail.From, "smtp-from", envOr("WAYMARK_SMTP_FROM", "waymark@localhost"), "sender address of alert e-mails ($WAYMARK_SMTP_FROM)")
	fs.StringVar(&f.mail.Username, "smtp-user", envOr("WAYMARK_SMTP_USER", ""), "SMTP username; the password is read from $WAYMARK_SMTP_PASSWORD")
	f.mail.Password = os.Getenv("WAYMARK_SMTP_PASSWORD")
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf serveFlags
	sf.add(fs)
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error { return serve(ctx, e, store, sf, nil) })
}

// serve runs the web service until ctx ends; ready, if set, is called once it listens.
func serve(ctx context.Context, e *env, store *sqlstore.Store, sf serveFlags, ready func(addr string)) error {
	loc, err := location(sf.tz)
	if err != nil {
		return err
	}
	pages, err := web.Load(loc)
	if err != nil {
		return err
	}
	reg := registry.New(store)
	reg.Hashing = auth.NewGate(sf.signInMemory<<20, registry.HashingWait)
	reg.SearchRate = registry.SearchesPerHour(sf.searches, store.Now)
	start := time.Now()
	// Building the index makes garbage as fast as index: collecting at half the live heap's growth
	// instead of all of it keeps the peak lower, and what is left is given back at once.
	gc := debug.SetGCPercent(50)
	n, err := reg.LoadIndex(ctx)
	debug.SetGCPercent(gc)
	if err != nil {
		return fmt.Errorf("build identification index: %w", err)
	}
	debug.FreeOSMemory()
	e.log.Info("identification index built", "children", n, "took", time.Since(start).Round(time.Millisecond))
	l, err := reg.LearnModel(ctx)
	if err != nil {
		return fmt.Errorf("learn from confirmed matches: %w", err)
	}
	e.log.Info("identification model", "confirmed_matches", l.Confirmed, "counted", l.Counted, "m_relearnt_for", strings.Join(l.Moved, ","))
	if len(l.Refused) > 0 {
		e.log.Warn("confirmed matches would move the identification model implausibly far; kept as it was (waymark identify model)",
			"fields", strings.Join(l.Refused, ","))
	}
	useFaces(ctx, e, reg, sf)
	go reloadKeys(ctx, e, store)
	go reg.Follow(ctx, sf.follow, func(err error) { e.log.Warn("follow changes", "err", err) })
	alerts, sender := alert.New(store, e.log), alert.NewSender(store, sf.mail, sf.publicURL, e.log)
	reg.OnCare, alerts.OnRaise = alerts.Nudge, sender.Nudge
	if err := alerts.Sweep(ctx); err != nil {
		e.log.Error("alert sweep", "err", err)
	}
	go alerts.Run(ctx, sf.sweep)
	go sender.Run(ctx, sf.sweep)
	srv := &wmhttp.Server{Registry: reg, Pages: pages, Log: e.log, Location: loc,
		SecureCookies: sf.secure, TrustProxy: sf.proxy, PublicURL: strings.TrimRight(sf.publicURL, "/"), SessionIdle: sf.idle, SessionMax: sf.maxLifetime}
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	e.log.Info("serving", "addr", ln.Addr().String(), "database", store.Dialect())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tzFlag is the service's time zone, in which dates are shown, entered and counted.
// useFaces turns face matching on when the networks are there (fetching them first for the demo),
// and looks at the photos held from before in the background; it says why when it is off.
func useFaces(ctx context.Context, e *env, reg *registry.Registry, sf serveFlags) {
	dir := sf.faceModels
	switch {
	case dir == "off":
		e.log.Info("face matching is off (--face-models off)")
		return
	case dir == "" && sf.installFaces:
		var err error
		if dir, err = face.Install(ctx, face.DefaultRoot()); err != nil {
			e.log.Warn("face matching is off: the face networks could not be downloaded", "err", err)
			return
		}
	case dir == "" && face.Installed(face.DefaultRoot()):
		dir = face.ModelDir(face.DefaultRoot())
	case dir == "":
		e.log.Info("face matching is off: no face networks installed (waymark face install)")
		return
	}
	p, err := face.Load(dir)
	if err != nil {
		e.log.Warn("face matching is off", "err", err)
		return
	}
	reg.UseFaces(p)
	e.log.Info("face matching is on", "model", face.Model, "networks", dir)
	go func() {
		n, err := reg.LookAtHeldPhotos(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("look for faces in photos held", "err", err)
		} else if n > 0 {
			e.log.Info("looked for faces in photos held", "photos", n)
		}
	}()
}

func tzFlag(fs *flag.FlagSet, tz *string) {
	fs.StringVar(tz, "tz", envOr("WAYMARK_TZ", "Europe/London"), "time zone for dates shown, entered and counted ($WAYMARK_TZ)")
}

func location(tz string) (*time.Location, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("--tz: %w", err)
	}
	return loc, nil
}
