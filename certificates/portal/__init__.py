"""The web portal: server-rendered pages for exporters and officers, a door onto the API's services."""
