/* meshshow.h - `proxmesh mesh` output: a table and link matrix, JSON, and
 * Graphviz (pure: a mesh_view in, text out) */
#pragma once

#include <stdio.h>

#include "meshview.h"

/* The readable table, the hosts × hosts matrix, and one line per problem. */
void meshshow_text(const struct mesh_view *v, FILE *out);
/* The JSON document ("format": 1; the schema is in proxmesh(8)). */
void meshshow_json(const struct mesh_view *v, FILE *out);
/* A Graphviz graph: hosts as nodes, links coloured by state, costs on the
 * edge ends. */
void meshshow_dot(const struct mesh_view *v, FILE *out);
