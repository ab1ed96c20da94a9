package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Delivery is at least once: an attempt is counted and the delivery held for Lease before it is
// made, so a crash delays it and a second instance never makes it at the same time. Receivers drop
// repeats by the delivery's id.
const (
	MaxAttempts = 12               // about seven hours of retries
	Lease       = 2 * time.Minute  // how long an attempt holds its delivery
	maxBackoff  = time.Hour        // the longest wait between attempts
	timeout     = 20 * time.Second // for one attempt
)

// Mail is the SMTP server alerts are sent through. STARTTLS is used when the server offers it;
// a username and password are sent only over TLS (or to this machine).
type Mail struct {
	Addr, From, Username, Password string
}

// Sender delivers raised alerts to organisations' e-mail and webhook channels.
type Sender struct {
	Store   *sqlstore.Store
	Mail    Mail
	Client  *http.Client
	BaseURL string // Waymark's address, for the link in each message
	Now     func() time.Time
	Log     *slog.Logger
	nudge   chan struct{}
}

// NewSender returns a sender on the store with the wall clock.
func NewSender(st *sqlstore.Store, mail Mail, baseURL string, log *slog.Logger) *Sender {
	return &Sender{Store: st, Mail: mail, BaseURL: strings.TrimSuffix(baseURL, "/"), Client: &http.Client{Timeout: timeout},
		Now: time.Now, Log: log, nudge: make(chan struct{}, 1)}
}

// Nudge asks for a round of deliveries now.
func (s *Sender) Nudge() { nudge(s.nudge) }

// Run delivers every interval, and when nudged, until ctx ends.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	loop(ctx, interval, s.nudge, s.Log, "alert delivery", true, func(ctx context.Context) error { _, err := s.Send(ctx); return err })
}

// Send makes every delivery that is due and returns how many succeeded.
func (s *Sender) Send(ctx context.Context) (int, error) {
	due, err := s.Store.DueDeliveries(ctx, s.Now(), MaxAttempts, 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		ok, err := s.attempt(ctx, d)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// attempt claims and makes one delivery, recording the outcome; it reports whether it was made.
func (s *Sender) attempt(ctx context.Context, d *sqlstore.Delivery) (bool, error) {
	ch, err := s.Store.Channel(ctx, d.ChannelID)
	if err != nil {
		return false, err
	}
	if ch.Kind == waymark.ChannelEmail && s.Mail.Addr == "" {
		s.Log.Warn("an e-mail alert waits: no SMTP server is set (serve --smtp-addr)", "channel", ch.ID)
		return false, nil
	}
	now := s.Now()
	if ok, err := s.Store.ClaimDelivery(ctx, d, now.Add(Lease)); !ok || err != nil {
		return false, err
	}
	a, err := s.Store.Alert(ctx, d.AlertID)
	if err != nil {
		return false, err
	}
	if ch.Kind == waymark.ChannelEmail {
		err = s.email(ctx, ch.Target, d, a)
	} else {
		err = s.webhook(ctx, ch, d, a, now)
	}
	if err == nil {
		if err := s.Store.DeliveryDone(ctx, d.ID); err != nil {
			return true, err
		}
		return true, s.Store.InTx(ctx, func(tx *sqlstore.Tx) error { // the alert left Waymark: logged as shared
			return tx.Disclose(&waymark.Disclosure{OrgID: a.OrgID, ChildID: a.ChildID, Kind: string(ch.Kind), Recipient: ch.Target,
				Purpose: "alert: " + string(a.Kind) + " (the child's reference and a link, no other detail)", LawfulBasis: "safeguarding", Actor: "Waymark: alert sender"})
		})
	}
	retry := now.Add(min(time.Minute<<(d.Attempts-1), maxBackoff))
	level := slog.LevelWarn
	if d.Attempts >= MaxAttempts {
		level = slog.LevelError // given up: `waymark org channel list` shows it
	}
	s.Log.Log(ctx, level, "alert delivery failed", "channel", ch.ID, "kind", ch.Kind, "attempt", d.Attempts, "err", err)
	return false, s.Store.DeliveryFailed(ctx, d.ID, retry, err.Error())
}

// Payload is the body of a webhook: the alert (kind, child reference, times) and a link; no
// names or other details of the child, which stay behind Waymark's sign-in.
type Payload struct {
	DeliveryID string         `json:"delivery_id"`
	Event      string         `json:"event"` // such as handover.requested
	Title      string         `json:"title"`
	Link       string         `json:"link,omitempty"`
	Alert      *waymark.Alert `json:"alert"`
}

func (s *Sender) link() string {
	if s.BaseURL == "" {
		return ""
	}
	return s.BaseURL + "/alerts"
}

// SignatureHeader carries "t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">" under the channel's
// secret: the time stops a captured request being replayed later.
const SignatureHeader = "Waymark-Signature"

// Sign returns the signature header value for body at t.
func Sign(secret, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body, accepting it only within tolerance of now. It is
// what a receiver runs (and the tests do).
func Verify(secret, body []byte, header string, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("signature header malformed")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature too old or from the future")
	}
	want := Sign(secret, body, time.Unix(unix, 0))
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return errors.New("signature does not match")
	}
	return nil
}

func (s *Sender) webhook(ctx context.Context, ch *waymark.Channel, d *sqlstore.Delivery, a *waymark.Alert, now time.Time) error {
	body, err := json.Marshal(Payload{DeliveryID: d.ID, Event: a.Event(), Title: a.Title(), Link: s.link(), Alert: a})
	if err != nil {
		return fmt.Errorf("encode webhook: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.Target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Waymark-Alerts/1")
	req.Header.Set("Waymark-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Sign(ch.Secret, body, now))
	res, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

// email sends a short plain-text message: what happened, to which child reference, and a link.
func (s *Sender) email(ctx context.Context, to string, d *sqlstore.Delivery, a *waymark.Alert) error {
	subject := "[Waymark] " + a.Title() + " — child " + a.ChildRef
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@waymark>\r\n", s.Mail.From, to,
		mime.QEncoding.Encode("utf-8", subject), s.Now().Format(time.RFC1123Z), d.ID)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&b, "%s: child %s.\r\nDue %s.\r\n\r\n", a.Title(), a.ChildRef, a.DueAt.UTC().Format("2 Jan 2006, 15:04 MST"))
	if l := s.link(); l != "" {
		fmt.Fprintf(&b, "Open Waymark to act on it: %s\r\n\r\n", l)
	}
	b.WriteString("This message carries no details of the child by design; sign in to Waymark to see them.\r\n")
	return s.sendMail(ctx, to, []byte(b.String()))
}

func (s *Sender) sendMail(ctx context.Context, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Mail.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(s.Mail.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if s.Mail.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Mail.Username, s.Mail.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.Mail.From); err != nil {
		return fmt.Errorf("smtp from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	return c.Quit()
}
