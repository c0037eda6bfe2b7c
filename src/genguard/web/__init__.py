"""Staff web dashboard served by ``genguard serve`` under ``/ui`` (same process, same database).

Pages read each module's tables through small provider functions (``genguard.web.providers``),
so a schema change in one module touches one provider. Rendering uses the shared Jinja2
environment (autoescaped); assets are shipped in the package (no CDN, works offline).
"""
