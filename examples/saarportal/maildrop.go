package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"time"
)

// mailDrop is the simulator process's mail server: a minimal SMTP
// receiver (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no
// extensions, no TLS — loopback only) that the portal processes send
// their notices to. It records every message it accepts, in arrival
// order, with its Message-ID, so a test can tell a redelivery (the same
// notice again — at-least-once delivery after a crash) from a lost or a
// second, different notice. A pickup folder cannot: a redelivery
// overwrites the same file. A message whose DATA did not end (the
// sender was killed) is not accepted and not recorded.
type mailDrop struct {
	ln   net.Listener
	from map[string]string // sender address → ARS

	mu       sync.Mutex
	arrivals map[string][]noticeArrival // by ARS
	stray    int                        // messages from no tenant's sender address
}

// noticeArrival is one accepted message.
type noticeArrival struct {
	MessageID string `json:"messageId"`
	// App is the application ID the notice names ("" if none).
	App string `json:"app"`
}

// noticeAppID matches an application ID (tenant slug, 12 digits).
var noticeAppID = regexp.MustCompile(`\b[a-z]+-[0-9]{12}\b`)

// maxMessage bounds one message's DATA.
const maxMessage = 4 << 20

func newMailDrop(tenants []Tenant) (*mailDrop, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &mailDrop{ln: ln, from: map[string]string{}, arrivals: map[string][]noticeArrival{}}
	for _, t := range tenants {
		d.from[strings.ToLower(t.Sender.EmailFrom)] = t.ARS
	}
	go d.serve()
	return d, nil
}

// Addr is the listen address (host:port).
func (d *mailDrop) Addr() string { return d.ln.Addr().String() }

func (d *mailDrop) close() { _ = d.ln.Close() }

func (d *mailDrop) serve() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.session(c)
	}
}

func (d *mailDrop) session(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(c)
	say := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !say("220 simulator ESMTP") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			say("250 simulator")
		case "MAIL", "RCPT", "RSET", "NOOP":
			say("250 OK")
		case "DATA":
			if !say("354 end data with <CRLF>.<CRLF>") {
				return
			}
			data, err := io.ReadAll(io.LimitReader(tp.DotReader(), maxMessage+1))
			if err != nil {
				return // the sender went away: nothing accepted
			}
			if len(data) > maxMessage {
				say("552 message too large")
				return
			}
			if err := d.record(data); err != nil {
				say("554 " + err.Error())
				continue
			}
			say("250 OK")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 command not implemented")
		}
	}
}

// record keeps one accepted message.
func (d *mailDrop) record(data []byte) error {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return errors.New("malformed message")
	}
	a := noticeArrival{MessageID: m.Header.Get("Message-Id"), App: noticeAppID.FindString(string(data))}
	d.mu.Lock()
	defer d.mu.Unlock()
	from, err := mail.ParseAddress(m.Header.Get("From"))
	ars, ok := "", false
	if err == nil {
		ars, ok = d.from[strings.ToLower(from.Address)]
	}
	if !ok {
		d.stray++
		return nil
	}
	d.arrivals[ars] = append(d.arrivals[ars], a)
	return nil
}

// notices returns the tenant's accepted messages in arrival order.
func (d *mailDrop) notices(ars string) []noticeArrival {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]noticeArrival(nil), d.arrivals[ars]...)
}

// has reports that a notice naming the application arrived.
func (d *mailDrop) has(app string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, as := range d.arrivals {
		for _, a := range as {
			if a.App == app {
				return true
			}
		}
	}
	return false
}

// strays is how many messages came from no tenant's sender address.
func (d *mailDrop) strays() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stray
}
