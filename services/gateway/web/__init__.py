"""The gateway's shared machinery: the HTTP and page entrypoints with the form/JSON gate
(http, pages), the one error mapper (errors) and the code -> Indonesian table (messages),
cache policies and the response cache (policies, cache), OpenAPI, templating, shared schemas."""
