/// `GET /openapi.yaml`: the API description, hand-written to match the routes in this target (a test
/// checks that every registered route is described).
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: VisualSearch API
  version: "1.0"
  description: |
    Search images and videos by example image and/or text, add, edit and remove items. Reads are open; writes
    (POST /v1/items, PATCH /v1/items/{id}, DELETE /v1/items/{id}) need `Authorization: Bearer <token>` with the token the server
    was started with (environment variable VSEARCH_API_TOKEN or --token-file); a server without a token
    refuses every write (401 writes_disabled). Errors always have the body {"error":{"code","message"}}.
servers:
  - url: http://127.0.0.1:8080
paths:
  /v1/search:
    parameters:
      - $ref: "#/components/parameters/q"
      - $ref: "#/components/parameters/item"
      - $ref: "#/components/parameters/t"
      - $ref: "#/components/parameters/k"
      - $ref: "#/components/parameters/filter"
      - $ref: "#/components/parameters/visualWeight"
      - $ref: "#/components/parameters/bm25Weight"
      - $ref: "#/components/parameters/semanticWeight"
      - $ref: "#/components/parameters/conceptsWeight"
      - $ref: "#/components/parameters/rrfK"
      - $ref: "#/components/parameters/cursor"
      - $ref: "#/components/parameters/minSimilarity"
      - $ref: "#/components/parameters/collapse"
      - $ref: "#/components/parameters/after"
    get:
      summary: Search by text and/or by an indexed item ("more like this")
      description: |
        Give `q` (text: BM25 + MiniLM semantic + concepts, the text against the images' CNN classes carried into
        MiniLM space, which reaches photos without any caption), `item` (an indexed item's stored vectors, no re-embedding;
        for a video the frame nearest `t` seconds, else up to 8 of its frames; the item itself is not among
        the results), or both: the rankings are fused with weighted reciprocal rank fusion (`visual_weight`,
        `bm25_weight`, `semantic_weight`, `concepts_weight`, `rrf_k`). Without `q` and `item`: 400 missing_query.
        Paging: `k` is the page size; pass the response's `next_cursor` back as `cursor` (with the same query
        and parameters) for the next page; `next_cursor` is null on the last page. Up to 1000 results can be
        paged through; pages are disjoint, in order, and stable while the index does not change.
      operationId: searchText
      responses:
        "200": { $ref: "#/components/responses/SearchResults" }
        "400": { $ref: "#/components/responses/Error" }
        "404": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
    post:
      summary: Search by image and/or text
      description: |
        Either multipart/form-data with an `image` file part or an `item` field, and/or a `text` field (plus any
        parameter of GET /v1/search as a field), or a raw image body (Content-Type image/jpeg or image/png) with
        the parameters in the query string. `box=x,y,w,h` (form field or query parameter) searches by that region
        of the image.
        The image is decoded, resized and embedded by EfficientNet-Lite0 and searched in the IVF index; video
        frames are folded into videos with their best moments. Image-only scores are cosine similarities;
        image + text is RRF over visual, bm25, semantic and concepts. Bodies over the upload limit get 413 (checked as
        the body streams in); image embedding runs on a bounded pool, a full queue gives 503 overloaded.
      operationId: searchImage
      parameters:
        - $ref: "#/components/parameters/box"
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                image: { type: string, format: binary, description: "JPEG or PNG" }
                item: { type: string, description: "id of an indexed item to find more like (instead of an image)" }
                t: { type: number, minimum: 0, description: "with item and a video: the moment in seconds" }
                text: { type: string, description: "query text (UTF-8)" }
                k: { type: integer, minimum: 1, maximum: 100, default: 10 }
                filter: { type: string }
                visual_weight: { $ref: "#/components/schemas/Weight" }
                bm25_weight: { $ref: "#/components/schemas/Weight" }
                semantic_weight: { $ref: "#/components/schemas/Weight" }
                concepts_weight: { $ref: "#/components/schemas/Weight" }
                rrf_k: { type: number, minimum: 0, maximum: 1000000, default: 60 }
                cursor: { type: string, maxLength: 256, description: "next_cursor of the previous page" }
                min_similarity: { type: number, minimum: -1, maximum: 1 }
                collapse: { type: string, enum: [near_duplicates, none] }
                box: { type: string, pattern: "^ *[-+0-9.eE]+ *, *[-+0-9.eE]+ *, *[-+0-9.eE]+ *, *[-+0-9.eE]+ *$", description: "x,y,w,h: search by this region of the uploaded image (fractions of its width and height, 0…1, inside the image, w and h > 0)" }
          image/jpeg:
            schema: { type: string, format: binary }
          image/png:
            schema: { type: string, format: binary }
      responses:
        "200": { $ref: "#/components/responses/SearchResults" }
        "400": { $ref: "#/components/responses/Error" }
        "404": { $ref: "#/components/responses/Error" }
        "408": { $ref: "#/components/responses/Error" }
        "413": { $ref: "#/components/responses/Error" }
        "415": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
  /v1/items:
    get:
      summary: List the items the index holds, a page at a time, in the order they were added
      description: |
        Keyset paging: pass `next_cursor` back as `cursor` (with the same `filter`); it is null on the last
        page. Items added meanwhile appear on a later page; none is listed twice.
      operationId: listItems
      parameters:
        - $ref: "#/components/parameters/filter"
        - { name: cursor, in: query, description: "next_cursor of the previous page", schema: { type: string, maxLength: 256 } }
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 1000, default: 50 } }
      responses:
        "200":
          description: One page of items
          content:
            application/json:
              schema:
                type: object
                required: [items, next_cursor]
                properties:
                  items: { type: array, items: { $ref: "#/components/schemas/Item" } }
                  next_cursor: { type: [string, "null"] }
        "400": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
    post:
      summary: Add an image or video to the serving index (durable on return, searchable at once)
      operationId: addItem
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: { type: string, format: binary, description: "JPEG, PNG or a video FFmpeg reads; stored as DIR/media/<sha256>.<ext>" }
                id: { type: string, pattern: "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$", description: "default: the first 16 hex digits of the content's SHA-256" }
                title: { type: string, description: "default: the uploaded file name without extension" }
                description: { type: string }
                tags: { type: string, description: "comma-separated; the field may repeat" }
      responses:
        "201":
          description: Added
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Item" }
        "202":
          description: "Cluster router only: logged in the owner shard's operation log; pass token as after= to read it"
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema:
                type: object
                required: [id, shard, token]
                properties:
                  id: { type: string }
                  shard: { type: integer }
                  token: { type: string }
        "400": { $ref: "#/components/responses/Error" }
        "401": { $ref: "#/components/responses/Error" }
        "409": { $ref: "#/components/responses/Error" }
        "413": { $ref: "#/components/responses/Error" }
        "415": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
  /v1/items/{id}:
    parameters:
      - $ref: "#/components/parameters/id"
    get:
      summary: An item's metadata
      operationId: getItem
      responses:
        "200":
          description: The item
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Item" }
        "404": { $ref: "#/components/responses/Error" }
    patch:
      summary: Edit an item's title, description and/or tags (no re-embedding of its media)
      description: |
        The catalog row, the BM25 (full-text) row and the item's MiniLM text vector change; its image and
        frame vectors are kept. Durable on return and seen by the next search. Fields not given are kept.
      operationId: updateItem
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              minProperties: 1
              properties:
                title: { type: string, maxLength: 65536 }
                description: { type: string, maxLength: 65536 }
                tags:
                  oneOf:
                    - { type: array, maxItems: 256, items: { type: string, maxLength: 256 } }
                    - { type: string, description: "comma-separated" }
      responses:
        "200":
          description: The edited item
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Item" }
        "400": { $ref: "#/components/responses/Error" }
        "401": { $ref: "#/components/responses/Error" }
        "404": { $ref: "#/components/responses/Error" }
        "408": { $ref: "#/components/responses/Error" }
        "413": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
    delete:
      summary: Remove an item (its vectors, frames and catalog rows; its file if it was uploaded here)
      operationId: deleteItem
      security: [{ bearer: [] }]
      responses:
        "204": { description: Removed }
        "202": { description: "Cluster router only: logged; the body is {id, shard, token} as for an add" }
        "401": { $ref: "#/components/responses/Error" }
        "404": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
  /v1/items/{id}/thumbnail:
    parameters:
      - $ref: "#/components/parameters/id"
    get:
      summary: A JPEG thumbnail (fit within size×size, never upscaled); for a video, the frame at `t`
      operationId: getThumbnail
      parameters:
        - { name: size, in: query, schema: { type: integer, minimum: 16, maximum: 1024, default: 256 } }
        - { name: t, in: query, description: "video moment in seconds (default: the first indexed frame)", schema: { type: number, minimum: 0 } }
      responses:
        "200":
          description: The thumbnail
          content:
            image/jpeg:
              schema: { type: string, format: binary }
        "400": { $ref: "#/components/responses/Error" }
        "404": { $ref: "#/components/responses/Error" }
        "503": { $ref: "#/components/responses/Error" }
  /healthz:
    get:
      summary: Liveness (the process answers)
      operationId: health
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: { type: object, properties: { status: { type: string, const: ok } } }
  /readyz:
    get:
      summary: Readiness (models loaded and the index open)
      operationId: ready
      responses:
        "200":
          description: Ready
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: { type: string, const: ready }
                  version: { type: [integer, "null"] }
                  items: { type: integer }
                  vectors: { type: integer }
        "503": { $ref: "#/components/responses/Error" }
  /metrics:
    get:
      summary: Prometheus metrics (requests and latency per route and status, queues, index sizes, drift)
      operationId: metrics
      responses:
        "200":
          description: Prometheus text exposition format 0.0.4
          content:
            text/plain:
              schema: { type: string }
  /openapi.yaml:
    get:
      summary: This document
      operationId: openapi
      responses:
        "200":
          description: OpenAPI 3.1
          content:
            application/yaml:
              schema: { type: string }
  /:
    get:
      summary: The search web page (drop or pick an image, or type text)
      operationId: webPage
      responses:
        "200":
          description: HTML
          content:
            text/html:
              schema: { type: string }
  /app.js:
    get:
      summary: The web page's script
      operationId: webScript
      responses:
        "200":
          description: JavaScript
          content:
            text/javascript:
              schema: { type: string }
  /style.css:
    get:
      summary: The web page's style sheet
      operationId: webStyle
      responses:
        "200":
          description: CSS
          content:
            text/css:
              schema: { type: string }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  parameters:
    id:
      name: id
      in: path
      required: true
      schema: { type: string }
    q:
      name: q
      in: query
      description: query text (`text` is accepted too); `+` and %XX are decoded; must be UTF-8, at most 4096 bytes
      schema: { type: string, maxLength: 4096 }
    item:
      name: item
      in: query
      description: id of an indexed item to find more like ("more like this"; its stored vectors, no re-embedding)
      schema: { type: string, minLength: 1, maxLength: 1024 }
    t:
      name: t
      in: query
      description: with `item` and a video, the moment (seconds) whose nearest sampled frame is the query
      schema: { type: number, minimum: 0 }
    # RRF: score = Σ over sources of weight / (rrf_k + rank)
    visualWeight: { name: visual_weight, in: query, description: RRF weight of the visual ranking, schema: { $ref: "#/components/schemas/Weight" } }
    bm25Weight: { name: bm25_weight, in: query, description: RRF weight of the BM25 ranking, schema: { $ref: "#/components/schemas/Weight" } }
    semanticWeight: { name: semantic_weight, in: query, description: RRF weight of the semantic ranking, schema: { $ref: "#/components/schemas/Weight" } }
    conceptsWeight: { name: concepts_weight, in: query, description: "RRF weight of the concepts ranking (query text against the images' concept vectors: ConSE over the CNN's top-10 classes; 0 leaves it out)", schema: { $ref: "#/components/schemas/Weight" } }
    after: { name: after, in: query, description: "cluster router only (ignored by one machine): a write's token; answered only by replicas that applied it", schema: { type: string, pattern: "^[0-9]+$" } }
    rrfK: { name: rrf_k, in: query, description: the RRF constant k, schema: { type: number, minimum: 0, maximum: 1000000, default: 60 } }
    k:
      name: k
      in: query
      description: the page size
      schema: { type: integer, minimum: 1, maximum: 100, default: 10 }
    cursor:
      name: cursor
      in: query
      description: "the next_cursor of the previous page (same query and parameters); a cursor of another query is 400 cursor_mismatch, one issued before the index changed 400 stale_cursor, anything else 400 invalid_cursor"
      schema: { type: string, maxLength: 256 }
    minSimilarity:
      name: min_similarity
      in: query
      description: "drop, before fusion, results whose visual, semantic and concept similarities (cosines) are all below this; BM25-only matches are kept"
      schema: { type: number, minimum: -1, maximum: 1 }
    box:
      name: box
      in: query
      description: "x,y,w,h: the region of the uploaded image to search by, as fractions of its width and height (the image is cropped before embedding); malformed, empty or outside the image, or no image: 400 invalid_parameter naming box (GET /v1/search takes no box: 400)"
      schema: { type: string, maxLength: 200 }
    collapse:
      name: collapse
      in: query
      description: "near_duplicates: a result whose visual vector has a cosine ≥ 0.93 with a better result is folded into it (listed under its duplicates); default none"
      schema: { type: string, enum: [near_duplicates, none], default: none }
    filter:
      name: filter
      in: query
      description: |
        Comma-separated conditions, all must hold (AND); `|` between values: any of them (OR); a leading `-`: none
        of them (kind, tag, auto_tag, title). kind=image|video, tag=NAME (repeatable), tag=a|b, -tag=draft,
        auto_tag=NAME (an ImageNet name of the image model's labels, e.g. tabby|tiger cat), title~WORD (a word
        or phrase of the title), duration=MIN..MAX (seconds), added=FROM..TO (ISO dates). At most 64
        conditions and 64 values, 4096 bytes, 256 bytes a value (beyond: 400 invalid_parameter naming the limit).
      schema: { type: string, maxLength: 4096 }
  responses:
    SearchResults:
      description: Results, best first
      content:
        application/json:
          schema: { $ref: "#/components/schemas/SearchResponse" }
    Error:
      description: |
        An error. Codes: bad_request, undecodable_image, undecodable_media, invalid_text, invalid_parameter,
        bad_multipart, missing_query, invalid_cursor, cursor_mismatch, stale_cursor, and for a refused upload its ingest reason code (empty_file, too_large,
        unreadable, undecodable_media) (400); unauthorized, writes_disabled (401); item_not_found,
        not_found, media_unavailable (404); method_not_allowed (405); request_timeout (408); id_conflict, duplicate,
        conflict (409);
        payload_too_large (413); unsupported_media_type (415); internal (500); overloaded, timeout,
        not_ready, index_busy, cancelled (503). A 500 body never names a file or a statement: the detail is in the server log.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
  schemas:
    Weight: { type: number, minimum: 0, maximum: 1000000, default: 1, description: "a source's RRF weight" }
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: { type: string }
            message: { type: string }
    SearchResponse:
      type: object
      required: [query, k, tookMilliseconds, results, next_cursor]
      properties:
        query: { type: string, enum: [image, item, text, image+text, item+text], description: "what was asked" }
        k: { type: integer, description: "the page size" }
        next_cursor: { type: [string, "null"], description: "pass as cursor for the next page; null on the last page" }
        tookMilliseconds: { type: number }
        results:
          type: array
          items: { $ref: "#/components/schemas/SearchHit" }
        coverage:
          description: "cluster router only: which shards answered (a shard without a replica answering in time is missing; the answer is still 200)"
          type: object
          required: [shards, answered, missing, partial]
          properties:
            shards: { type: integer }
            answered: { type: integer }
            missing: { type: array, items: { type: integer } }
            partial: { type: boolean }
    SearchHit:
      description: Exactly the fields of `vsearch search --json` (the CLI and the service serialise the same type)
      type: object
      required: [rank, id, kind, score, path, title, timestamp, moments, sources, scores, thumbnail, tags, duration]
      properties:
        rank: { type: integer, minimum: 1 }
        id: { type: string }
        kind: { type: string, enum: [image, video] }
        score: { type: number, description: "no text in the query (image or item): cosine similarity; otherwise the RRF score" }
        path: { type: string }
        title: { type: string }
        timestamp: { type: [number, "null"], description: "videos found by the image: seconds of the best moment" }
        moments:
          type: array
          items:
            type: object
            properties:
              timestamp: { type: number }
              score: { type: number }
        sources:
          type: object
          description: 1-based rank in each source that found the item
          properties:
            visual: { type: integer }
            bm25: { type: integer }
            semantic: { type: integer }
            concepts: { type: integer }
        scores:
          type: object
          description: each source's own score for the item
          properties:
            visual: { type: number, description: "cosine similarity (a video's best frame)" }
            bm25: { type: number, description: "BM25 relevance, higher is better" }
            semantic: { type: number, description: "cosine similarity of query text and item text" }
            concepts: { type: number, description: "cosine similarity of query text and the item's concept vector (its CNN classes in MiniLM space)" }
        thumbnail: { type: string, description: "URL of the thumbnail (videos: at the best moment)" }
        tags: { type: array, items: { type: string } }
        duration: { type: [number, "null"] }
        duplicates:
          type: array
          description: "with collapse=near_duplicates only (absent otherwise): results folded into this one, in rank order"
          items:
            type: object
            required: [id, score, similarity]
            properties:
              id: { type: string }
              score: { type: number, description: "the score the result would have had" }
              similarity: { type: number, description: "cosine of its visual vector to this result's" }
    Item:
      type: object
      required: [id, kind, path, title, description, tags, autoTags, addedAt, frames, thumbnail]
      properties:
        id: { type: string }
        kind: { type: string, enum: [image, video] }
        path: { type: string }
        title: { type: string }
        description: { type: string }
        tags: { type: array, items: { type: string } }
        autoTags:
          type: array
          items:
            type: object
            properties:
              label: { type: string }
              score: { type: number }
        width: { type: [integer, "null"] }
        height: { type: [integer, "null"] }
        duration: { type: [number, "null"] }
        addedAt: { type: string, format: date-time }
        contentHash: { type: [string, "null"] }
        frames: { type: integer }
        thumbnail: { type: string }
"""#
}
