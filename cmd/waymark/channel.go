package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/registry"
)

func init() {
	register(command{"org channel add", "send an organisation's alerts to an e-mail address or a webhook (--org, --email | --webhook)", runChannelAdd})
	register(command{"org channel list", "list alert channels and how their deliveries stand (--org to pick one)", runChannelList})
	register(command{"org channel remove", "stop sending alerts to a channel (--id)", runChannelRemove})
}

func runChannelAdd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org channel add", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	email := fs.String("email", "", "an e-mail address, such as a duty team's mailbox")
	webhook := fs.String("webhook", "", "an https URL that receives signed JSON")
	return withRegistry(ctx, e, fs, args, []string{"org"}, func(reg *registry.Registry) error {
		c := &waymark.Channel{Kind: waymark.ChannelEmail, Target: *email}
		switch {
		case (*email == "") == (*webhook == ""):
			return fmt.Errorf("give one of --email or --webhook")
		case *webhook != "":
			c.Kind, c.Target = waymark.ChannelWebhook, *webhook
		}
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		c.OrgID = o.ID
		if err := reg.AddChannel(ctx, operator(), c); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "alerts of %q now also go to %s %s (channel %s)\n", o.Name, c.Kind, c.Target, c.ID)
		if c.Kind == waymark.ChannelWebhook {
			fmt.Fprintf(e.stdout, "signing secret (shown once; give it to the receiver's operator): %s\n", hex.EncodeToString(c.Secret))
			fmt.Fprintf(e.stdout, "each request carries the header %s: t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">\n", alert.SignatureHeader)
		}
		return nil
	})
}

func runChannelList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org channel list", flag.ContinueOnError)
	org := fs.String("org", "", "only this organisation's channels")
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		orgID, err := orgIDNamed(ctx, reg, *org)
		if err != nil {
			return err
		}
		list, err := reg.Channels(ctx, operator(), orgID, alert.MaxAttempts)
		if err != nil {
			return err
		}
		for _, c := range list {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\tdelivered %d, waiting %d, failed %d", c.ID, c.OrgID, c.Kind, c.Target, c.Delivered, c.Pending, c.Failed)
			if c.LastError != "" {
				fmt.Fprintf(e.stdout, "\tlast error: %s", c.LastError)
			}
			fmt.Fprintln(e.stdout)
		}
		return nil
	})
}

func runChannelRemove(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org channel remove", flag.ContinueOnError)
	id := fs.String("id", "", "the channel's id, from 'org channel list'")
	return withRegistry(ctx, e, fs, args, []string{"id"}, func(reg *registry.Registry) error {
		if err := reg.RemoveChannel(ctx, operator(), *id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed channel %s\n", *id)
		return nil
	})
}
