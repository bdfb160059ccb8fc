/* meshshow.h - `proxmesh mesh` output: a table and link matrix, JSON, and
 * Graphviz (pure: a mesh_view in, text out) */
#pragma once

#include <stdio.h>

#include "meshview.h"

/* The readable table, the hosts × hosts matrix, and one line per problem
 * (an OSPFv3 view says so in its first line). */
void meshshow_text(const struct mesh_view *v, FILE *out);
/* The JSON document ("format": 1; the schema is in proxmesh(8)) of v; an
 * OSPFv3 v has "family": "ipv6"; a dual-stack mesh's OSPFv3 view v6 (or
 * NULL) comes as the member "ipv6", shaped as the document. */
void meshshow_json(const struct mesh_view *v, const struct mesh_view *v6, FILE *out);
/* A Graphviz graph: hosts as nodes, links coloured by state, costs on the
 * edge ends ("proxmesh", or "proxmesh_ipv6" for an OSPFv3 view). */
void meshshow_dot(const struct mesh_view *v, FILE *out);
