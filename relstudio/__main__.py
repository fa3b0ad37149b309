from relstudio.cli import main

raise SystemExit(main())
