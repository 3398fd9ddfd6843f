console.log('[postinstall] placeholder');
