from scripts.local_aws.cli import main

raise SystemExit(main())
