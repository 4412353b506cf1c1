console.log('sentry-rca');
