package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
)

// mailSink is the e-mail channel and where its messages end up.
type mailSink interface {
	Channel() notify.Channel
	// Describe says where the e-mails go, for the tour output.
	Describe() string
	// Count returns how many messages to addr about the application
	// with Aktenzeichen akz arrived, and how many carried an attachment.
	Count(ctx context.Context, addr, akz string) (messages, withAttachment int, err error)
	Close()
}

const (
	mailFrom     = "bauaufsicht@musterstadt.example"
	mailFromName = "Stadt Musterstadt – Bauaufsicht"
)

// newMailSink returns the e-mail channel: notify/email against the SMTP
// server cfg.SMTPAddr, or, without one, a file-backed channel that
// writes each message as an .eml file into cfg.Dir/mail.
func newMailSink(_ context.Context, cfg config) (mailSink, error) {
	if cfg.SMTPAddr == "" {
		dir := filepath.Join(cfg.Dir, "mail")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		s, err := email.New(email.Config{PickupDir: dir, From: mailFrom, FromName: mailFromName})
		if err != nil {
			return nil, err
		}
		return &fileMail{Sender: s, dir: dir}, nil
	}
	host, portStr, err := net.SplitHostPort(cfg.SMTPAddr)
	if err != nil {
		return nil, fmt.Errorf("smtp address: %w", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("smtp port: %w", err)
	}
	s, err := email.New(email.Config{
		Host: host, Port: port,
		// A local development sink (mailpit) without TLS. Never use
		// InsecureNoTLS towards a real mail server.
		TLSPolicy: email.InsecureNoTLS,
		From:      mailFrom, FromName: mailFromName,
	})
	if err != nil {
		return nil, err
	}
	return &smtpMail{sender: s, addr: cfg.SMTPAddr, api: cfg.MailpitAPI}, nil
}

// smtpMail sends through notify/email; if the SMTP server is a mailpit
// with a known API URL, Count asks it what arrived.
type smtpMail struct {
	sender *email.Sender
	addr   string
	api    string
}

func (m *smtpMail) Channel() notify.Channel { return m.sender }
func (m *smtpMail) Describe() string {
	return "SMTP-Server " + m.addr + " (notify/email)"
}
func (m *smtpMail) Close() {}

func (m *smtpMail) Count(ctx context.Context, addr, akz string) (int, int, error) {
	if m.api == "" {
		return 0, 0, errNoChannel
	}
	u := strings.TrimRight(m.api, "/") + "/api/v1/search?query=" + url.QueryEscape("to:"+addr+` subject:"`+akz+`"`)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("mailpit: %s", resp.Status)
	}
	var r struct {
		Messages []struct {
			Attachments int `json:"Attachments"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, 0, err
	}
	att := 0
	for _, msg := range r.Messages {
		if msg.Attachments > 0 {
			att++
		}
	}
	return len(r.Messages), att, nil
}

// fileMail is notify/email in pickup-directory mode: each delivery is
// written as <EventID>.eml instead of being sent, a stand-in for an SMTP
// server in the demo; a retry rewrites the same file.
type fileMail struct {
	*email.Sender // PickupDir mode: <EventID>.eml files instead of SMTP
	dir           string
}

func (m *fileMail) Channel() notify.Channel { return m.Sender }
func (m *fileMail) Describe() string {
	return ".eml-Dateien in " + m.dir + " (kein SMTP-Server konfiguriert; -smtp oder OZG_SMTP_ADDR setzen)"
}
func (m *fileMail) Close() {}

// Count reads the .eml files addressed to addr whose subject names akz.
func (m *fileMail) Count(_ context.Context, addr, akz string) (int, int, error) {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return 0, 0, err
	}
	n, att := 0, 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		f, err := os.Open(filepath.Join(m.dir, e.Name()))
		if err != nil {
			return 0, 0, err
		}
		msg, err := mail.ReadMessage(f)
		if err != nil {
			f.Close()
			return 0, 0, fmt.Errorf("%s: %w", e.Name(), err)
		}
		list, _ := msg.Header.AddressList("To")
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		raw := new(bytes.Buffer)
		_, _ = raw.ReadFrom(msg.Body)
		f.Close()
		for _, a := range list {
			if strings.EqualFold(a.Address, addr) && strings.Contains(subject, akz) {
				n++
				if bytes.Contains(raw.Bytes(), []byte("Content-Disposition: attachment")) {
					att++
				}
			}
		}
	}
	return n, att, nil
}
