package alert_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// mailbox is a local SMTP server that keeps every message it is given.
type mailbox struct {
	addr string
	mu   sync.Mutex
	msgs []string
}

func newMailbox(t *testing.T) *mailbox {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	m := &mailbox{addr: ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go m.serve(conn)
		}
	}()
	return m
}

func (m *mailbox) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { io.WriteString(conn, s+"\r\n") }
	say("220 test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
		case "EHLO", "HELO":
			say("250-test\r\n250 8BITMIME")
		case "DATA":
			say("354 go on")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			m.mu.Lock()
			m.msgs = append(m.msgs, msg.String())
			m.mu.Unlock()
			say("250 queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("250 OK")
		}
	}
}

func (m *mailbox) messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

// receiver is a webhook endpoint that answers fail times with 503, then 204, verifying every
// signature and keeping the payloads accepted.
type receiver struct {
	URL      string
	secret   []byte
	now      func() time.Time
	mu       sync.Mutex
	fail     int
	requests int
	got      []alert.Payload
	bad      []string
}

func newReceiver(t *testing.T, fail int, now func() time.Time) *receiver {
	rc := &receiver{fail: fail, now: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.requests++
		if err := alert.Verify(rc.secret, body, r.Header.Get(alert.SignatureHeader), rc.now(), 5*time.Minute); err != nil {
			rc.bad = append(rc.bad, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if rc.fail != 0 {
			rc.fail--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var p alert.Payload
		if err := json.Unmarshal(body, &p); err != nil || p.DeliveryID != r.Header.Get("Waymark-Delivery") {
			rc.bad = append(rc.bad, "payload: "+string(body))
		}
		rc.got = append(rc.got, p)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

func (rc *receiver) counts() (requests, accepted int, bad []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.requests, len(rc.got), rc.bad
}

func (w *world) channel(org *waymark.Organisation, kind, target string) *waymark.Channel {
	c := &waymark.Channel{OrgID: org.ID, Kind: kind, Target: target}
	if err := w.store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.AddChannel(c) }); err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) sender(m *mailbox) *alert.Sender {
	mail := alert.Mail{From: "waymark@northshire.example"}
	if m != nil {
		mail.Addr = m.addr
	}
	s := alert.NewSender(w.store, mail, "https://waymark.northshire.example", slog.New(slog.NewTextHandler(w.t.Output(), nil)))
	s.Now = func() time.Time { return w.now }
	return s
}

// reportMissing places a child with the force covering and reports them missing; the sweep raises
// the missing alert.
func (w *world) reportMissing() *waymark.Child {
	c := w.child("2010-05-01")
	if err := w.reg.AddPlacement(ctx, w.worker, &waymark.Placement{ChildID: c.ID, Type: "residential", Provider: "Hill House", Start: w.now.AddDate(0, 0, -7), PoliceOrgID: w.force.ID}, ""); err != nil {
		w.t.Fatal(err)
	}
	e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "high", LastSeenAt: w.now.Add(-time.Hour), LastSeenPlace: "Station"}
	if err := w.reg.ReportMissing(ctx, w.worker, e); err != nil {
		w.t.Fatal(err)
	}
	same(w.t, "raised", kinds(w.t, w.scheduler()), waymark.AlertMissing)
	return c
}

func (w *world) send(s *alert.Sender) int {
	w.t.Helper()
	n, err := s.Send(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func TestAlertsSentByEmailAndSignedWebhookWithRetry(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			clock := func() time.Time { return w.now }
			mail := newMailbox(t)
			council := newReceiver(t, 2, clock)
			control := newReceiver(t, 0, clock)
			w.channel(w.council, waymark.ChannelEmail, "duty-team@northshire.example")
			council.secret = w.channel(w.council, waymark.ChannelWebhook, council.URL).Secret
			control.secret = w.channel(w.force, waymark.ChannelWebhook, control.URL).Secret
			s := w.sender(mail)

			c := w.reportMissing()
			if n := w.send(s); n != 2 {
				t.Fatalf("first round delivered %d, want 2 (e-mail and the police control room)", n)
			}
			msgs := mail.messages()
			if len(msgs) != 1 || !strings.Contains(msgs[0], "Reported missing") || !strings.Contains(msgs[0], c.Ref) ||
				!strings.Contains(msgs[0], "https://waymark.northshire.example/alerts") {
				t.Fatalf("e-mail: %q", msgs)
			}
			if strings.Contains(msgs[0], c.GivenNames+" "+c.FamilyName) {
				t.Fatal("the e-mail names the child")
			}
			if _, n, _ := control.counts(); n != 1 || control.got[0].Alert.Kind != waymark.AlertMissing || control.got[0].Event != "missing.reported" || control.got[0].Alert.ChildRef != c.Ref {
				t.Fatalf("control room got %+v", control.got)
			}

			// The council's receiver is down: retried after a minute, then two, until it answers.
			if n := w.send(s); n != 0 {
				t.Fatalf("sent %d again at once", n)
			}
			w.now = w.now.Add(time.Minute)
			w.send(s)
			w.now = w.now.Add(2 * time.Minute)
			if n := w.send(s); n != 1 {
				t.Fatalf("third attempt delivered %d", n)
			}
			w.now = w.now.Add(time.Hour)
			w.send(s)
			if req, n, bad := council.counts(); req != 3 || n != 1 || len(bad) != 0 {
				t.Fatalf("council receiver: %d requests, %d accepted, bad %v", req, n, bad)
			}
			if len(mail.messages()) != 1 {
				t.Fatal("e-mail sent twice")
			}
			if req, _, bad := control.counts(); req != 1 || len(bad) != 0 {
				t.Fatalf("control room: %d requests, bad %v", req, bad)
			}
			// Each alert that left Waymark is in the disclosure log of the child's organisation, once —
			// the one to the force's control room too: the council's record went there.
			for org, want := range map[string][]string{w.council.ID: {"email:duty-team@northshire.example", "webhook:" + council.URL, "webhook:" + control.URL}, w.force.ID: nil} {
				log, err := w.store.Disclosures(context.Background(), org, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, d := range log {
					if d.ChildID != c.ID || d.LawfulBasis != "safeguarding" {
						t.Errorf("disclosure %+v", d)
					}
					got = append(got, d.Kind+":"+d.Recipient)
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("disclosures of %s: %v, want %v", org, got, want)
				}
			}
		})
	}
}

func TestTwoSendersDeliverOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			rc := newReceiver(t, 0, func() time.Time { return w.now })
			rc.secret = w.channel(w.council, waymark.ChannelWebhook, rc.URL).Secret
			for range 5 {
				w.reportMissing()
			}
			a, b := w.sender(nil), w.sender(nil)
			var wg sync.WaitGroup
			for _, s := range []*alert.Sender{a, b} {
				wg.Go(func() {
					if _, err := s.Send(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if req, n, _ := rc.counts(); req != 5 || n != 5 {
				t.Fatalf("%d requests, %d accepted; want each of 5 alerts once", req, n)
			}
		})
	}
}

func TestDeliveryGivesUpAndSaysWhy(t *testing.T) {
	w := newWorld(t, storetest.Dialects(t)[0])
	rc := newReceiver(t, 1000, func() time.Time { return w.now })
	rc.secret = w.channel(w.council, waymark.ChannelWebhook, rc.URL).Secret
	w.reportMissing()
	s := w.sender(nil)
	for range 3 * alert.MaxAttempts {
		w.send(s)
		w.now = w.now.Add(time.Hour)
	}
	if req, _, _ := rc.counts(); req != alert.MaxAttempts {
		t.Fatalf("%d attempts, want %d", req, alert.MaxAttempts)
	}
	list, err := w.store.Channels(ctx, w.council.ID, alert.MaxAttempts)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Failed != 1 || list[0].Pending != 0 || !strings.Contains(list[0].LastError, "503") {
		t.Fatalf("channel status: %+v", list[0])
	}
}

func TestVerifyRejectsTamperingAndReplay(t *testing.T) {
	secret, body := []byte("0123456789abcdef0123456789abcdef"), []byte(`{"title":"Reported missing"}`)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	header := alert.Sign(secret, body, at)
	tests := []struct {
		name   string
		secret []byte
		body   string
		header string
		now    time.Time
		ok     bool
	}{
		{"genuine", secret, string(body), header, at.Add(time.Minute), true},
		{"body changed", secret, `{"title":"Found"}`, header, at, false},
		{"other secret", []byte("another secret"), string(body), header, at, false},
		{"replayed an hour later", secret, string(body), header, at.Add(time.Hour), false},
		{"no signature", secret, string(body), "", at, false},
		{"time changed", secret, string(body), strings.Replace(header, "t=", "t=1", 1), at, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := alert.Verify(tt.secret, []byte(tt.body), tt.header, tt.now, 5*time.Minute)
			if (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
