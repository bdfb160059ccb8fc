/* metrics.c - the health as Prometheus metrics (DESIGN §7), pure but for
 * metrics_write */
#include "metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* Every link and destination series carries a family label: "ipv4" for
 * OSPF's adjacency and a loopback, "ipv6" for OSPFv3's (a dual-stack link has
 * a series of each) and a loopback6. */

static const enum health_overall overall_states[] = {HEALTH_UNKNOWN, HEALTH_HEALTHY,
                                                     HEALTH_DEGRADED, HEALTH_BROKEN};
static const enum link_diag diagnoses[] = {
    DIAG_OK,       DIAG_LINK_DOWN,         DIAG_PEER_OFFLINE, DIAG_CABLE_OR_NIC,  DIAG_MTU_MISMATCH,
    DIAG_ONE_WAY, DIAG_INTERFACE_MISSING, DIAG_UNKNOWN,      DIAG_AUTH_MISMATCH,
};

/* A label value as the exposition format quotes it: \, " and newline
 * escaped. Names come from a validated configuration, but the format is
 * kept whatever they hold. */
static void
put_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=\"", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_seconds(FILE *f, long long ms)
{
	fprintf(f, " %lld.%03lld\n", ms / 1000, ms % 1000);
}

/* name{interface="…",peer="…",family="ipv4"[,extra="…"]} */
static void
link_sample(FILE *f, const char *name, const struct link_health *l, const char *fam,
            const char *extra, const char *extra_value)
{
	fprintf(f, "%s{", name);
	put_label(f, "interface", l->ifname);
	fputc(',', f);
	put_label(f, "peer", l->peer);
	fputc(',', f);
	put_label(f, "family", fam);
	if (extra != NULL) {
		fputc(',', f);
		put_label(f, extra, extra_value);
	}
	fputs("} ", f);
}

static void
dest_sample(FILE *f, const char *name, const struct dest_health *d)
{
	char addr[PREFIX6_STRLEN];

	health_dest_addr(d, addr);
	fprintf(f, "%s{", name);
	put_label(f, "node", d->node);
	fputc(',', f);
	put_label(f, "address", addr);
	fputc(',', f);
	put_label(f, "family", d->v6 ? "ipv6" : "ipv4");
	fputs("} ", f);
}

static void
render_links(FILE *f, const struct health *h)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
	    {"proxmesh_link_carrier_up", "gauge",
	     "1 when the link's interface is up with carrier, 0 when down or missing."},
	    {"proxmesh_link_adjacency_full", "gauge",
	     "1 when the OSPF adjacency on the link is Full (absent while FRR does not answer)."},
	    {"proxmesh_link_bfd_up", "gauge",
	     "1 when the link's BFD session is up (absent without BFD or FRR)."},
	    {"proxmesh_link_peer_alive", "gauge",
	     "1 when the cluster or OSPF says the link's peer is there."},
	    {"proxmesh_link_flaps_total", "counter",
	     "Times the link's adjacency left Full since the agent started."},
	    {"proxmesh_link_cost", "gauge", "The link's configured OSPF cost."},
	    {"proxmesh_link_mtu_bytes", "gauge", "The link interface's MTU in bytes."},
	    {"proxmesh_link_diagnosis", "gauge",
	     "1 for the link's current diagnosis (DESIGN section 7), 0 for the others."},
	    {"proxmesh_link_forming", "gauge",
	     "1 while a new or returning link is given time to form (faults not reported)."},
	};

	for (size_t k = 0; k < ARRAY_SIZE(fam); k++) {
		family(f, fam[k].name, fam[k].type, fam[k].help);
		/* OSPF's links, then OSPFv3's beside them (dual-stack) */
		for (size_t i = 0; h != NULL && i < h->n_links + h->n_links6; i++) {
			const struct link_health *l =
			    i < h->n_links ? &h->links[i] : &h->links6[i - h->n_links];
			const char *lf = i >= h->n_links || h->links_v6 ? "ipv6" : "ipv4";

			switch (k) {
			case 0:
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%d\n", l->link == LINK_UP);
				break;
			case 1:
				if (l->adjacency == NSM_UNKNOWN)
					break;
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%d\n", l->adjacency == NSM_FULL);
				break;
			case 2:
				if (l->bfd == BFD_OFF || l->bfd == BFD_STATUS_UNKNOWN)
					break;
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%d\n", l->bfd == BFD_STATUS_UP);
				break;
			case 3:
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%d\n", l->peer_alive);
				break;
			case 4:
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%u\n", l->flaps);
				break;
			case 5:
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%u\n", (unsigned)l->cost);
				break;
			case 6:
				if (l->mtu == 0)
					break;
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%u\n", l->mtu);
				break;
			case 7:
				for (size_t j = 0; j < ARRAY_SIZE(diagnoses); j++) {
					link_sample(f, fam[k].name, l, lf, "diagnosis",
					            link_diag_str(diagnoses[j]));
					fprintf(f, "%d\n", l->diagnosis == diagnoses[j]);
				}
				break;
			case 8:
				link_sample(f, fam[k].name, l, lf, NULL, NULL);
				fprintf(f, "%d\n", l->forming);
				break;
			}
		}
	}
}

static void
render_dests(FILE *f, const struct health *h)
{
	family(f, "proxmesh_destination_reachable", "gauge",
	       "1 when the node's loopback is reachable from here (absent while FRR does not "
	       "answer).");
	for (size_t i = 0; h != NULL && i < h->n_dests; i++)
		if (h->dests[i].known) {
			dest_sample(f, "proxmesh_destination_reachable", &h->dests[i]);
			fprintf(f, "%d\n", h->dests[i].reachable);
		}
	family(f, "proxmesh_destination_preferred_path", "gauge",
	       "1 when the node's loopback is reached over its lowest-cost path.");
	for (size_t i = 0; h != NULL && i < h->n_dests; i++)
		if (h->dests[i].known) {
			dest_sample(f, "proxmesh_destination_preferred_path", &h->dests[i]);
			fprintf(f, "%d\n", h->dests[i].reachable && h->dests[i].preferred);
		}
}

static void
render_agent(FILE *f, const struct status_info *s, const struct health *h)
{
	family(f, "proxmesh_build_info", "gauge", "proxmesh's version, and the node it runs as.");
	fputs("proxmesh_build_info{", f);
	put_label(f, "version", s->version != NULL ? s->version : "");
	fputc(',', f);
	put_label(f, "node", s->node != NULL ? s->node : "");
	fputs("} 1\n", f);

	family(f, "proxmesh_frr_up", "gauge", "1 when FRR's daemons answer.");
	fprintf(f, "proxmesh_frr_up %d\n", s->frr_running);
	family(f, "proxmesh_frr_info", "gauge", "The FRR version proxmesh drives.");
	if (s->frr_running && s->frr_version != NULL) {
		fputs("proxmesh_frr_info{", f);
		put_label(f, "version", s->frr_version);
		fputs("} 1\n", f);
	}

	family(f, "proxmesh_health", "gauge",
	       "The node's overall mesh health: 1 for the current state, 0 for the others.");
	for (size_t i = 0; i < ARRAY_SIZE(overall_states); i++) {
		enum health_overall now = h != NULL ? h->overall : HEALTH_UNKNOWN;

		fputs("proxmesh_health{", f);
		put_label(f, "state", health_overall_str(overall_states[i]));
		fprintf(f, "} %d\n", now == overall_states[i]);
	}
	family(f, "proxmesh_health_starting", "gauge",
	       "1 during the start-up grace, when faults are not reported yet.");
	fprintf(f, "proxmesh_health_starting %d\n", h != NULL && h->starting);
}

static void
render_reconcile(FILE *f, const struct status_info *s)
{
	family(f, "proxmesh_reconcile_failures_total", "counter",
	       "Reconcile passes that failed since the agent started.");
	fprintf(f, "proxmesh_reconcile_failures_total %llu\n", s->reconcile_failures);
	family(f, "proxmesh_reconcile_failing", "gauge",
	       "Reconcile passes failed in a row, now (0: the last pass succeeded).");
	fprintf(f, "proxmesh_reconcile_failing %u\n", s->reconcile_failing);
	family(f, "proxmesh_reconcile_last_success_timestamp_seconds", "gauge",
	       "When a reconcile pass last succeeded (absent: none yet).");
	if (s->reconcile_last_ok_ms > 0) {
		fputs("proxmesh_reconcile_last_success_timestamp_seconds", f);
		put_seconds(f, s->reconcile_last_ok_ms);
	}
	family(f, "proxmesh_reconcile_last_duration_seconds", "gauge",
	       "How long the last reconcile pass took.");
	if (s->reconcile_duration_ms >= 0) {
		fputs("proxmesh_reconcile_last_duration_seconds", f);
		put_seconds(f, s->reconcile_duration_ms);
	}
}

static void
render_api(FILE *f, const struct status_info *s)
{
	bool enabled = s->api_state != NULL && strcmp(s->api_state, "disabled") != 0;

	family(f, "proxmesh_api_up", "gauge",
	       "1 when the last poll of the Proxmox API succeeded (absent without [api]).");
	if (enabled)
		fprintf(f, "proxmesh_api_up %d\n", !strcmp(s->api_state, "ok"));
	family(f, "proxmesh_api_last_success_timestamp_seconds", "gauge",
	       "When the Proxmox API last answered (absent: never).");
	if (enabled && s->api_last_ok_ms > 0) {
		fputs("proxmesh_api_last_success_timestamp_seconds", f);
		put_seconds(f, s->api_last_ok_ms);
	}
	family(f, "proxmesh_membership_nodes", "gauge",
	       "Nodes in the cluster membership last read (absent: unknown).");
	if (s->membership_nodes >= 0)
		fprintf(f, "proxmesh_membership_nodes %lld\n", s->membership_nodes);
	family(f, "proxmesh_membership_quorate", "gauge",
	       "1 when the cluster last read was quorate (absent: unknown).");
	if (s->api_quorate != TRI_UNKNOWN)
		fprintf(f, "proxmesh_membership_quorate %d\n", s->api_quorate == TRI_YES);
}

char *
metrics_render(const struct status_info *s)
{
	const struct health *h = s->health != NULL && s->health->valid ? s->health : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		fatal(-ENOMEM, "metrics");
	render_agent(f, s, h);
	render_links(f, h);
	render_dests(f, h);
	render_reconcile(f, s);
	render_api(f, s);
	family(f, "proxmesh_last_update_timestamp_seconds", "gauge",
	       "When the agent wrote these metrics; always the file's last line.");
	fputs("proxmesh_last_update_timestamp_seconds", f);
	put_seconds(f, s->now_real_ms);
	if (fclose(f) != 0)
		fatal(-ENOMEM, "metrics");
	return text;
}

int
metrics_write(const char *path, const struct status_info *s)
{
	_cleanup_free_ char *text = metrics_render(s);

	return write_file_atomic(path, text, strlen(text), 0644);
}
