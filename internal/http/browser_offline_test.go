package http_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

// A border officer records two children with photos at a port with no signal, reloads the page
// with none, and the records are there; the device holds only ciphertext and a key that opens
// nothing without the session; when the signal returns both arrive exactly once, audited as the
// officer, with the time they were made. Signing out here deletes what the device keeps.
func TestOfflineFirstContact(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	base := a.srv.URL
	dir := t.TempDir()
	photos := []string{filepath.Join(dir, "one.jpg"), filepath.Join(dir, "two.jpg")}
	for i, p := range photos {
		if err := os.WriteFile(p, noisyJPEG(t, 300+i*40, 400), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	axe := axeSource(t)
	bctx := browser(t)
	count := func(n int) step {
		return chromedp.Poll[chromedp.Void](`document.querySelectorAll('#waiting > li').length === `+string(rune('0'+n)), chromedp.WithPollingTimeout(30*time.Second))
	}
	record := func(given, family, sex, age, photo string) step {
		return chromedp.Steps(
			chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
			chromedp.SendKeys(chromedp.ID("given_names"), given),
			chromedp.SendKeys(chromedp.ID("family_name"), family),
			chromedp.SetValue(chromedp.ID("sex"), sex),
			chromedp.SendKeys(chromedp.ID("age"), age),
			chromedp.SetValue(chromedp.ID("nationality"), "ER"),
			chromedp.SendKeys(chromedp.ID("place"), "Arrivals hall, lower level"),
			chromedp.Click(chromedp.ID("keep")),
		)
	}
	var violations, status string
	err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844), signInAs(base, "border@border.example.org"),
		chromedp.Navigate(base+"/offline/"),
		chromedp.Poll[chromedp.Void](`document.getElementById('offline-status').textContent.startsWith('Ready')`, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Poll[chromedp.Void](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Poll[chromedp.Void](`caches.open('waymark-offline-v1').then(c => c.keys()).then(k => k.length === 5)`, chromedp.WithPollingTimeout(20*time.Second)),
		axeRun(axe, &violations), screenshot("offline-ready-390"))
	if err != nil {
		t.Fatal(err)
	}
	var wide string
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 800), axeRun(axe, &wide), screenshot("offline-ready-1280"), chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if violations+wide != "" {
		t.Errorf("axe-core on the offline page at 390 and 1280 px:\n%s\n%s", violations, wide)
	}

	a.offline.Store(true) // the signal is gone
	var empty string
	err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("keep")), // an empty tap
		chromedp.Poll[chromedp.Void](`document.getElementById('offline-status').textContent.startsWith('Give at least')`, chromedp.WithPollingTimeout(10*time.Second)),
		into(&empty, chromedp.Evaluate[string](`document.querySelectorAll('#waiting > li').length + ''`)))
	if err != nil || empty != "0" {
		t.Fatalf("an empty tap: %v; %s kept", err, empty)
	}
	err = chromedp.Do(bctx,
		record("Hagos", "Berhane", "M", "15", photos[0]), count(1),
		record("Mebrat", "Tesfamariam", "F", "14", photos[1]), count(2),
		chromedp.Evaluate[chromedp.Void](`window.before = true`), // to tell the page reloaded from this one
		chromedp.Reload(), // with no signal: the worker serves the page, the records are still there
		chromedp.Poll[chromedp.Void](`!window.before && document.getElementById('waiting').textContent.includes('Mebrat Tesfamariam')`, chromedp.WithPollingTimeout(10*time.Second)),
		count(2), into(&status, chromedp.Evaluate[string](`document.getElementById('waiting').textContent`)), screenshot("offline-kept-390"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "Hagos Berhane") || !strings.Contains(status, "Mebrat Tesfamariam") {
		t.Fatalf("after a reload with no signal the records kept are not listed:\n%s", status)
	}

	// What the device holds, read raw: ciphertext, and a device key that cannot be taken out.
	var raw struct {
		Records     []string `json:"records"`
		Extractable bool     `json:"extractable"`
		Algorithm   string   `json:"algorithm"`
		Opened      bool     `json:"opened"`
	}
	err = chromedp.Do(bctx, into(&raw, chromedp.Evaluate[struct {
		Records     []string `json:"records"`
		Extractable bool     `json:"extractable"`
		Algorithm   string   `json:"algorithm"`
		Opened      bool     `json:"opened"`
	}](`new Promise((resolve, reject) => {
		const r = indexedDB.open('waymark-offline');
		r.onerror = () => reject(r.error);
		r.onsuccess = () => {
			const db = r.result, t = db.transaction(['records', 'keys']);
			const recs = t.objectStore('records').getAll(), key = t.objectStore('keys').get('device');
			t.oncomplete = async () => {
				const text = (buf) => Array.from(new Uint8Array(buf), (b) => String.fromCharCode(b)).join('');
				const records = recs.result.map((rec) => JSON.stringify(Object.keys(rec)) + text(rec.data) + text(rec.iv));
				let opened = false; // the device key alone, without the session's half, opens nothing
				try {
					const k = await crypto.subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode('waymark offline records v1')},
						key.result, {name: 'AES-GCM', length: 256}, false, ['decrypt']);
					await crypto.subtle.decrypt({name: 'AES-GCM', iv: recs.result[0].iv}, k, recs.result[0].data);
					opened = true;
				} catch (e) {}
				resolve({records, extractable: key.result.extractable, algorithm: key.result.algorithm.name, opened});
			};
		};
	})`, chromedp.EvalAwaitPromise)))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Records) != 2 || raw.Extractable || raw.Algorithm != "HKDF" || raw.Opened {
		t.Fatalf("the device holds %d records, its key extractable %v (%s), opened without the session %v", len(raw.Records), raw.Extractable, raw.Algorithm, raw.Opened)
	}
	for _, rec := range raw.Records {
		for _, name := range []string{"Hagos", "Berhane", "Mebrat", "Tesfamariam", "Arrivals", base64.StdEncoding.EncodeToString([]byte("Hagos"))} {
			if strings.Contains(rec, name) {
				t.Fatalf("the device holds %q readable: %.200q", name, rec)
			}
		}
	}
	// Another tab is another session: no key, nothing readable listed.
	tab, cancel := chromedp.NewContext(bctx)
	defer cancel()
	var locked, listed string
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/offline/"), chromedp.WaitVisible(chromedp.ID("offline-form")),
		chromedp.Poll[chromedp.Void](`document.getElementById('offline-status').textContent !== ''`),
		into(&locked, chromedp.Text(chromedp.ID("offline-status"))), into(&listed, chromedp.Text(chromedp.ID("waiting")))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(locked, "no key for this session") || strings.Contains(listed, "Hagos") {
		t.Fatalf("a tab without the session's key: %q, listing %q", locked, listed)
	}
	cancel()

	arrived := `SELECT count(*) FROM audit WHERE action = 'child.create' AND reason LIKE 'recorded offline at %'`
	if n := a.count(t, arrived); n != 0 {
		t.Fatalf("%d children arrived with no signal", n)
	}
	a.offline.Store(false) // the signal returns: both are sent by themselves
	if err := chromedp.Do(bctx, count(0), into(&status, chromedp.Text(chromedp.ID("offline-status"))), screenshot("offline-sent-390")); err != nil {
		t.Fatal(err)
	}
	rows, err := a.store.DB().Query(`SELECT record_id, user_id FROM audit WHERE action = 'child.create' AND reason LIKE 'recorded offline at %'`)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for rows.Next() {
		var id, user string
		if err := rows.Scan(&id, &user); err != nil {
			t.Fatal(err)
		}
		c, err := a.store.Child(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if user != a.actor("border@border.example.org").UserID || len(c.Photos) != 1 || names[c.GivenNames] {
			t.Fatalf("%s arrived audited as %s with %d photos (seen before: %v)", c.GivenNames, user, len(c.Photos), names[c.GivenNames])
		}
		names[c.GivenNames] = true
	}
	rows.Close()
	var sentList string
	if err := chromedp.Do(bctx, into(&sentList, chromedp.Evaluate[string](`document.getElementById('sent').textContent`))); err != nil {
		t.Fatal(err)
	}
	if strings.Count(sentList, "no child recorded before matched") != 2 {
		t.Errorf("the officer does not see the duplicate check's result: %q", sentList)
	}
	if !names["Hagos"] || !names["Mebrat"] || len(names) != 2 {
		t.Fatalf("arrived: %v, want Hagos and Mebrat exactly once each (%s)", names, status)
	}

	// A record unsent for 72 hours is deleted from the device; one unsent for 48 is warned of.
	var warned string
	var left int
	err = chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](`new Promise((resolve) => {
			const user = JSON.parse(sessionStorage.getItem('waymark-offline-key')).user, hour = 3600 * 1000;
			indexedDB.open('waymark-offline').onsuccess = (ev) => {
				const t = ev.target.result.transaction('records', 'readwrite'), s = t.objectStore('records');
				s.put({id: 'old', user, created: Date.now() - 73 * hour, iv: new Uint8Array(12), data: new ArrayBuffer(32), state: 'waiting'});
				s.put({id: 'late', user, created: Date.now() - 50 * hour, iv: new Uint8Array(12), data: new ArrayBuffer(32), state: 'waiting'});
				t.oncomplete = resolve;
			};
		})`, chromedp.EvalAwaitPromise),
		chromedp.Evaluate[chromedp.Void](`window.before = true`), chromedp.Reload(),
		chromedp.Poll[chromedp.Void](`!window.before && document.getElementById('waiting').textContent.includes('hours unless sent')`, chromedp.WithPollingTimeout(10*time.Second)),
		into(&warned, chromedp.Evaluate[string](`document.getElementById('waiting').textContent`)),
		into(&left, chromedp.Evaluate[int](`new Promise((resolve) => { indexedDB.open('waymark-offline').onsuccess = (ev) => {
			const r = ev.target.result.transaction('records').objectStore('records').count(); r.onsuccess = () => resolve(r.result); }; })`, chromedp.EvalAwaitPromise)))
	if err != nil {
		t.Fatal(err)
	}
	if left != 1 || !strings.Contains(warned, "deleted from this device in 22 hours unless sent") {
		t.Fatalf("after 73 and 50 hours unsent: %d records left, listed %q", left, warned)
	}

	// Signing out here asks, then deletes the device's records and key.
	var gone bool
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() { // the officer says yes
		for _, err := range dialogs {
			if err != nil {
				return
			}
			go chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	}()
	err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("wipe")),
		chromedp.WaitVisible(chromedp.ID("email")),
		into(&gone, chromedp.Evaluate[bool](`indexedDB.databases().then(ds => !ds.some(d => d.name === 'waymark-offline'))`, chromedp.EvalAwaitPromise)))
	if err != nil || !gone {
		t.Fatalf("signing out from the offline page: %v; device wiped %v", err, gone)
	}
}

// count runs a query that counts.
func (a *app) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.store.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
